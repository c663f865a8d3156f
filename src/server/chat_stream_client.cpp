#include "server/chat_stream_client.h"

#include <httplib.h>

#include <charconv>
#include <chrono>

#include "server/sse_parser.h"

namespace ls::server {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

std::unique_ptr<httplib::Client> client_for(const Endpoint& ep) {
  auto c = std::make_unique<httplib::Client>(ep.host, ep.port);
  c->set_connection_timeout(10, 0);
  c->set_read_timeout(ep.timeout_seconds, 0);
  c->set_write_timeout(30, 0);
  c->set_keep_alive(false);
  if (!ep.api_key.empty()) c->set_bearer_token_auth(ep.api_key);
  return c;
}

std::string brief(std::string s) {
  if (s.size() > 300) s = s.substr(0, 300) + "…";
  return s;
}

Result<json> get_json(const Endpoint& ep, const std::string& path, const std::string* post_body) {
  auto c = client_for(ep);
  auto res = post_body ? c->Post(path, *post_body, "application/json") : c->Get(path);
  const std::string where = ep.host + ":" + std::to_string(ep.port) + path;
  if (!res) return Error::io(where + ": " + httplib::to_string(res.error()));
  if (res->status != 200)
    return Error::io(where + ": HTTP " + std::to_string(res->status) + " " + brief(res->body));
  json j = json::parse(res->body, nullptr, false);
  if (j.is_discarded()) return Error::invalid(where + ": the answer is not JSON");
  return j;
}

}  // namespace

Result<Endpoint> parse_endpoint(const std::string& url) {
  std::string_view u = url;
  if (u.substr(0, 7) != "http://")
    return Error::invalid("--url '" + url + "': give http://host:port (https is not supported)");
  u.remove_prefix(7);
  while (!u.empty() && u.back() == '/') u.remove_suffix(1);
  if (u.size() >= 3 && u.substr(u.size() - 3) == "/v1") u.remove_suffix(3);
  if (u.find('/') != std::string_view::npos)
    return Error::invalid("--url '" + url + "': only the server root (or root/v1) is accepted");
  const size_t colon = u.rfind(':');
  if (colon == std::string_view::npos || colon == 0)
    return Error::invalid("--url '" + url + "': the port is missing (http://host:port)");
  Endpoint ep;
  ep.host = std::string(u.substr(0, colon));
  const std::string_view port = u.substr(colon + 1);
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), ep.port);
  if (ec != std::errc() || end != port.data() + port.size() || ep.port <= 0 || ep.port > 65535)
    return Error::invalid("--url '" + url + "': '" + std::string(port) + "' is not a port");
  return ep;
}

StreamTiming stream_chat(const Endpoint& ep, json body) {
  body["stream"] = true;
  body["stream_options"] = {{"include_usage", true}};
  StreamTiming t;
  auto c = client_for(ep);
  httplib::Request req;
  req.method = "POST";
  req.path = "/v1/chat/completions";
  req.body = body.dump();
  req.set_header("Content-Type", "application/json");
  req.set_header("Accept", "text/event-stream");

  int status = 0;
  std::string error_body;
  bool done = false;
  bool got_usage = false;
  const Clock::time_point t0 = Clock::now();
  Clock::time_point last = t0;
  SseParser parser;
  auto on_event = [&](std::string_view data) {
    if (!t.error.empty() || done) return;
    if (data == "[DONE]") {
      done = true;
      return;
    }
    const json e = json::parse(data, nullptr, false);
    if (!e.is_object()) {
      t.error = "an event is not JSON: " + brief(std::string(data));
      return;
    }
    if (e.contains("error")) {
      t.error = "error event: " + brief(e["error"].dump());
      return;
    }
    if (e.contains("usage") && e["usage"].is_object()) {
      t.prompt_tokens = e["usage"].value("prompt_tokens", 0);
      t.completion_tokens = e["usage"].value("completion_tokens", 0);
      got_usage = true;
    }
    if (!e.contains("choices") || !e["choices"].is_array() || e["choices"].empty()) return;
    const json& choice = e["choices"][0];
    if (!choice.is_object() || !choice.contains("delta") || !choice["delta"].is_object()) return;
    const json& delta = choice["delta"];
    auto has_text = [&](const char* key) {
      const auto it = delta.find(key);
      return it != delta.end() && it->is_string() && !it->get_ref<const std::string&>().empty();
    };
    if (!has_text("content") && !has_text("reasoning_content")) return;
    const auto now = Clock::now();
    if (t.text_chunks == 0) t.first_token_s = std::chrono::duration<double>(now - t0).count();
    else t.gaps_s.push_back(std::chrono::duration<double>(now - last).count());
    last = now;
    ++t.text_chunks;
  };
  req.response_handler = [&](const httplib::Response& r) {
    status = r.status;
    return true;
  };
  req.content_receiver = [&](const char* data, size_t n, uint64_t, uint64_t) {
    if (status != 200) {
      if (error_body.size() < 4096) error_body.append(data, n);
    } else {
      parser.feed(std::string_view(data, n), on_event);
    }
    return true;
  };
  httplib::Response res;
  httplib::Error err = httplib::Error::Success;
  const bool sent = c->send(req, res, err);
  t.total_s = since(t0);
  if (!sent && err != httplib::Error::Success) {
    t.error = "transport: " + httplib::to_string(err);
  } else if (status != 200) {
    t.error = "HTTP " + std::to_string(status) + " " + brief(error_body);
  } else if (t.error.empty() && !done) {
    t.error = "the stream ended without [DONE]";
  }
  if (!got_usage) t.completion_tokens = t.text_chunks;
  t.ok = t.error.empty();
  return t;
}

Result<std::string> first_model(const Endpoint& ep) {
  LS_ASSIGN_OR_RETURN(json j, get_json(ep, "/v1/models", nullptr));
  if (!j.contains("data") || !j["data"].is_array() || j["data"].empty() || !j["data"][0].is_object() ||
      !j["data"][0].contains("id") || !j["data"][0]["id"].is_string())
    return Error::invalid("/v1/models lists no model");
  return j["data"][0]["id"].get<std::string>();
}

Result<int> count_tokens(const Endpoint& ep, const std::string& text) {
  const std::string body = json{{"content", text}, {"add_special", false}}.dump();
  LS_ASSIGN_OR_RETURN(json j, get_json(ep, "/tokenize", &body));
  if (!j.contains("tokens") || !j["tokens"].is_array())
    return Error::invalid("/tokenize answered without a 'tokens' list");
  return static_cast<int>(j["tokens"].size());
}

}  // namespace ls::server
