#include "server/scripted_backend.h"

#include <array>
#include <atomic>
#include <condition_variable>
#include <fstream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "util/utf8.h"

namespace ls::server {
namespace {

// Token ids: specials first, then 16 + Unicode code point.
constexpr std::array<std::string_view, 7> kSpecials = {
    "<unk>", "<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>", "<｜User｜>", "<｜Assistant｜>",
    "<think>", "</think>"};
constexpr int32_t kBos = 1;
constexpr int32_t kCodepointBase = 16;
constexpr int32_t kMaxId = kCodepointBase + 0x10FFFF;

std::vector<int32_t> tokenize_text(std::string_view text, bool parse_special) {
  std::vector<int32_t> out;
  size_t i = 0;
  while (i < text.size()) {
    bool special = false;
    if (parse_special) {
      for (size_t k = 1; k < kSpecials.size(); ++k) {
        if (text.substr(i, kSpecials[k].size()) == kSpecials[k]) {
          out.push_back(static_cast<int32_t>(k));
          i += kSpecials[k].size();
          special = true;
          break;
        }
      }
    }
    if (!special) out.push_back(kCodepointBase + static_cast<int32_t>(utf8::decode_one(text, i)));
  }
  return out;
}

std::string piece_of(int32_t id) {
  if (id >= 0 && id < static_cast<int32_t>(kSpecials.size())) return std::string(kSpecials[id]);
  if (id >= kCodepointBase && id <= kMaxId) return utf8::encode(static_cast<char32_t>(id - kCodepointBase));
  return {};
}

// The last user turn of a rendered chat, or the whole prompt of a plain completion.
std::string last_user(const std::string& prompt) {
  const std::string user(kSpecials[3]);
  const std::string assistant(kSpecials[4]);
  size_t at = prompt.rfind(user);
  if (at == std::string::npos) return prompt;
  at += user.size();
  size_t end = prompt.find(assistant, at);
  return prompt.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

std::string substitute(std::string reply, const std::string& key, const std::string& value) {
  for (size_t at = reply.find(key); at != std::string::npos; at = reply.find(key, at + value.size()))
    reply.replace(at, key.size(), value);
  return reply;
}

// The longest suffix of `text` that is a proper prefix of a stop string (it may still complete).
size_t held_back(const std::string& text, const std::vector<std::string>& stops) {
  size_t keep = 0;
  for (const auto& s : stops)
    for (size_t n = std::min(text.size(), s.size() - 1); n > keep; --n)
      if (text.compare(text.size() - n, n, s, 0, n) == 0) {
        keep = n;
        break;
      }
  return keep;
}

}  // namespace

Result<Script> parse_script(const std::string& json_text) {
  using json = nlohmann::json;
  json j = json::parse(json_text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Error::invalid("script is not a JSON object");
  Script s;
  try {
    if (j.contains("model")) s.model = j.at("model").get<std::string>();
    if (j.contains("reply")) s.reply = j.at("reply").get<std::string>();
    if (j.contains("token_delay_ms")) s.token_delay = std::chrono::milliseconds(j.at("token_delay_ms").get<int>());
    if (j.contains("first_token_delay_ms"))
      s.first_token_delay = std::chrono::milliseconds(j.at("first_token_delay_ms").get<int>());
    if (j.contains("prompt_opens_reasoning")) s.prompt_opens_reasoning = j.at("prompt_opens_reasoning").get<bool>();
    if (j.contains("context_length")) s.context_length = j.at("context_length").get<int>();
    if (j.contains("fail_after_tokens")) s.fail_after_tokens = j.at("fail_after_tokens").get<int>();
  } catch (const json::exception& e) {
    return Error::invalid(std::string("script field has the wrong type: ") + e.what());
  }
  if (s.model.empty()) return Error::invalid("script: 'model' must not be empty");
  return s;
}

Result<Script> load_script(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error::io(path + ": cannot open script");
  std::stringstream ss;
  ss << in.rdbuf();
  auto s = parse_script(ss.str());
  if (!s.ok()) return s.error().with_context(path);
  return s;
}

class ScriptedGeneration : public Generation {
 public:
  ScriptedGeneration(ScriptedBackend* owner, const Script& script, GenerationRequest req,
                     std::vector<int32_t> reply, Usage usage, TokenCallback on_token,
                     DoneCallback on_done)
      : owner_(owner) {
    thread_ = std::thread([this, script, req = std::move(req), reply = std::move(reply), usage,
                           on_token = std::move(on_token), on_done = std::move(on_done)]() mutable {
      run(script, req, reply, usage, on_token, on_done);
    });
  }
  ~ScriptedGeneration() override {
    cancel();
    thread_.join();
  }
  void cancel() override {
    {
      std::lock_guard lock(mu_);
      if (cancelled_) return;
      cancelled_ = true;
    }
    cv_.notify_all();
  }

 private:
  // Sleeps unless cancelled first; returns true when cancelled.
  bool pause(std::chrono::milliseconds d) {
    std::unique_lock lock(mu_);
    if (d.count() > 0) cv_.wait_for(lock, d, [&] { return cancelled_; });
    return cancelled_;
  }

  void run(const Script& script, const GenerationRequest& req, const std::vector<int32_t>& reply,
           Usage usage, const TokenCallback& on_token, const DoneCallback& on_done) {
    GenerationDone done;
    std::vector<TokenEvent> pending;  // held while they might be the start of a stop string
    std::string pending_text;
    bool stopped = false;
    size_t i = 0;
    for (; i < reply.size() && !stopped; ++i) {
      if (pause(i == 0 ? script.first_token_delay + script.token_delay : script.token_delay)) {
        done.reason = FinishReason::kCancelled;
        break;
      }
      if (script.fail_after_tokens >= 0 && static_cast<int>(i) >= script.fail_after_tokens) {
        done.reason = FinishReason::kError;
        done.error = "scripted engine failure after " + std::to_string(i) + " tokens";
        break;
      }
      if (req.max_tokens >= 0 && usage.completion_tokens >= req.max_tokens) {
        done.reason = FinishReason::kLength;
        break;
      }
      TokenEvent t;
      t.id = reply[i];
      t.text = piece_of(t.id);
      t.piece = t.text;
      if (req.logprobs) {
        t.logprob = -0.125 * static_cast<double>(i % 8);
        t.top.push_back({t.id, t.text, t.logprob});
        for (int k = 1; k < req.top_logprobs; ++k) {
          const int32_t alt = kCodepointBase + 'a' + (k - 1) % 26;
          t.top.push_back({alt, piece_of(alt), t.logprob - k});
        }
      }
      ++usage.completion_tokens;
      pending_text += t.text;
      pending.push_back(std::move(t));
      // A stop string: deliver what precedes it (cutting the last token's text) and finish.
      size_t stop_at = std::string::npos;
      for (const auto& s : req.stop) stop_at = std::min(stop_at, pending_text.find(s));
      if (stop_at != std::string::npos) {
        size_t offset = 0;
        for (auto& p : pending) {
          if (offset >= stop_at) break;
          if (offset + p.text.size() > stop_at) p.text.resize(stop_at - offset);
          offset += p.text.size();
          on_token(p);
        }
        pending.clear();
        stopped = true;
        break;
      }
      const size_t keep = held_back(pending_text, req.stop);
      size_t flushable = pending_text.size() - keep;
      while (!pending.empty() && pending.front().text.size() <= flushable) {
        flushable -= pending.front().text.size();
        pending_text.erase(0, pending.front().text.size());
        on_token(pending.front());
        pending.erase(pending.begin());
      }
    }
    if (done.reason == FinishReason::kStop && !stopped) {
      for (const auto& p : pending) on_token(p);  // the stop string never completed
    }
    if (done.reason == FinishReason::kCancelled) {
      std::lock_guard lock(owner_->mu_);
      ++owner_->cancellations_;
    }
    done.usage = usage;
    on_done(done);
  }

  ScriptedBackend* owner_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool cancelled_ = false;
  std::thread thread_;
};

ScriptedBackend::ScriptedBackend(Script script) : script_(std::move(script)) {}

ModelInfo ScriptedBackend::info() const {
  ModelInfo m;
  m.id = script_.model;
  m.owned_by = "localseek";
  m.created = 0;
  m.context_length = script_.context_length;
  return m;
}

Result<std::vector<int32_t>> ScriptedBackend::tokenize(std::string_view text, bool add_special,
                                                       bool parse_special) const {
  std::vector<int32_t> out;
  if (add_special) out.push_back(kBos);
  for (int32_t t : tokenize_text(text, parse_special)) out.push_back(t);
  return out;
}

Result<std::string> ScriptedBackend::detokenize(const std::vector<int32_t>& tokens) const {
  std::string out;
  for (size_t i = 0; i < tokens.size(); ++i) {
    auto piece = token_piece(tokens[i]);
    if (!piece.ok()) return piece.error().with_context("tokens[" + std::to_string(i) + "]");
    out += *piece;
  }
  return out;
}

Result<std::string> ScriptedBackend::token_piece(int32_t token) const {
  if (token < 0 || token > kMaxId || (token >= static_cast<int32_t>(kSpecials.size()) && token < kCodepointBase))
    return Error::invalid("token id " + std::to_string(token) + " is outside the vocabulary (0.." +
                          std::to_string(kMaxId) + ")");
  return piece_of(token);
}

Result<RenderedPrompt> ScriptedBackend::render_chat(const std::vector<ChatMessage>& messages) const {
  // DeepSeek-R1's layout: BOS, system text, then <｜User｜>… <｜Assistant｜>… turns.
  RenderedPrompt r;
  r.text = std::string(kSpecials[1]);
  for (const auto& m : messages)
    if (m.role == "system") r.text += m.content;
  for (const auto& m : messages) {
    if (m.role == "user") r.text += std::string(kSpecials[3]) + m.content;
    else if (m.role == "assistant")
      r.text += std::string(kSpecials[4]) + m.content + std::string(kSpecials[2]);
  }
  r.text += kSpecials[4];
  if (script_.prompt_opens_reasoning) r.text += "<think>\n";
  r.opens_reasoning = script_.prompt_opens_reasoning;
  return r;
}

int ScriptedBackend::cached_prefix(const std::vector<int32_t>& prompt) {
  std::lock_guard lock(mu_);
  size_t n = 0;
  while (n < prompt.size() && n < last_prompt_.size() && prompt[n] == last_prompt_[n]) ++n;
  last_prompt_ = prompt;
  return static_cast<int>(n);
}

Result<std::unique_ptr<Generation>> ScriptedBackend::submit(GenerationRequest request,
                                                            TokenCallback on_token,
                                                            DoneCallback on_done) {
  const std::vector<int32_t> prompt = tokenize_text(request.prompt, true);
  if (static_cast<int>(prompt.size()) >= script_.context_length)
    return Error::limit("the prompt is " + std::to_string(prompt.size()) +
                        " tokens, the context holds " + std::to_string(script_.context_length));
  Usage usage;
  usage.prompt_tokens = static_cast<int>(prompt.size());
  usage.cached_tokens = cached_prefix(prompt);
  std::string reply = substitute(script_.reply, "{{last_user}}", last_user(request.prompt));
  {
    std::lock_guard lock(mu_);
    ++submissions_;
  }
  return std::unique_ptr<Generation>(std::make_unique<ScriptedGeneration>(
      this, script_, std::move(request), tokenize_text(reply, true), usage, std::move(on_token),
      std::move(on_done)));
}

int ScriptedBackend::cancellations() const {
  std::lock_guard lock(mu_);
  return cancellations_;
}

int ScriptedBackend::submissions() const {
  std::lock_guard lock(mu_);
  return submissions_;
}

}  // namespace ls::server
