#include "server/openai_request.h"

#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>

namespace ls::server {
namespace {

using json = nlohmann::json;
using MaybeError = std::optional<ApiError>;

#define LS_TRY_FIELD(expr)          \
  do {                              \
    if (MaybeError e_ = (expr)) return *e_; \
  } while (0)

// nlohmann's parser is iterative, but values nested thousands deep are still no valid request:
// reject them before parsing so nothing downstream has to care.
MaybeError check_depth(std::string_view body, int max_depth) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : body) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '{' || c == '[') {
      if (++depth > max_depth)
        return ApiError::invalid("request JSON is nested deeper than " + std::to_string(max_depth) +
                                 " levels");
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return std::nullopt;
}

ApiResult<json> parse_object(std::string_view body, const RequestLimits& limits) {
  if (MaybeError e = check_depth(body, limits.max_json_depth)) return *e;
  json doc = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded())
    return ApiError::invalid("request body is not valid JSON (expected a JSON object)");
  if (!doc.is_object()) return ApiError::invalid("request body must be a JSON object");
  return doc;
}

const char* type_name(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "an integer";
    case json::value_t::number_float: return "a number";
    case json::value_t::string: return "a string";
    case json::value_t::array: return "an array";
    case json::value_t::object: return "an object";
    default: return "an unsupported value";
  }
}

ApiError wrong_type(const std::string& field, const char* expected, const json& got) {
  return ApiError::invalid("'" + field + "' must be " + expected + ", got " + type_name(got), field);
}

// A present, non-null member (OpenAI clients send null for "not set").
const json* member(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

MaybeError read_bool(const json& obj, const char* key, bool& out) {
  const json* v = member(obj, key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_boolean()) return wrong_type(key, "a boolean", *v);
  out = v->get<bool>();
  return std::nullopt;
}

MaybeError read_string(const json& obj, const char* key, std::string& out) {
  const json* v = member(obj, key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) return wrong_type(key, "a string", *v);
  out = v->get<std::string>();
  return std::nullopt;
}

// Integers may arrive as 3 or 3.0; 3.5 or 1e300 is an error.
MaybeError read_int(const json& obj, const char* key, std::optional<int64_t>& out, int64_t lo,
                    int64_t hi) {
  const json* v = member(obj, key);
  if (v == nullptr) return std::nullopt;
  int64_t value = 0;
  if (v->is_number_unsigned()) {
    uint64_t u = v->get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      return ApiError::invalid("'" + std::string(key) + "' is out of range", key);
    value = static_cast<int64_t>(u);
  } else if (v->is_number_integer()) {
    value = v->get<int64_t>();
  } else if (v->is_number_float()) {
    double d = v->get<double>();
    if (!std::isfinite(d) || d != std::floor(d) || std::fabs(d) > 9.0e15)
      return wrong_type(key, "an integer", *v);
    value = static_cast<int64_t>(d);
  } else {
    return wrong_type(key, "an integer", *v);
  }
  if (value < lo || value > hi)
    return ApiError::invalid("'" + std::string(key) + "' must be between " + std::to_string(lo) +
                                 " and " + std::to_string(hi) + ", got " + std::to_string(value),
                             key);
  out = value;
  return std::nullopt;
}

MaybeError read_number(const json& obj, const char* key, std::optional<double>& out, double lo,
                       double hi, bool lo_exclusive = false) {
  const json* v = member(obj, key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_number()) return wrong_type(key, "a number", *v);
  double d = v->get<double>();
  if (!std::isfinite(d) || d < lo || d > hi || (lo_exclusive && d == lo)) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "'%s' must be %s %g and at most %g", key,
                  lo_exclusive ? "greater than" : "at least", lo, hi);
    return ApiError::invalid(buf, key);
  }
  out = d;
  return std::nullopt;
}

MaybeError read_stop(const json& obj, const RequestLimits& limits, std::vector<std::string>& out) {
  const json* v = member(obj, "stop");
  if (v == nullptr) return std::nullopt;
  auto add = [&](const json& s, const std::string& field) -> MaybeError {
    if (!s.is_string()) return wrong_type(field, "a string", s);
    const auto& str = s.get_ref<const std::string&>();
    if (str.size() > limits.max_stop_length)
      return ApiError::invalid("'" + field + "' is longer than " +
                                   std::to_string(limits.max_stop_length) + " bytes",
                               "stop");
    if (!str.empty()) out.push_back(str);
    return std::nullopt;
  };
  if (v->is_string()) return add(*v, "stop");
  if (!v->is_array()) return wrong_type("stop", "a string or an array of strings", *v);
  if (v->size() > limits.max_stop)
    return ApiError::invalid("'stop' may hold at most " + std::to_string(limits.max_stop) +
                                 " sequences, got " + std::to_string(v->size()),
                             "stop");
  for (size_t i = 0; i < v->size(); ++i)
    LS_TRY_FIELD(add((*v)[i], "stop[" + std::to_string(i) + "]"));
  return std::nullopt;
}

// Fields shared by /v1/chat/completions and /v1/completions.
MaybeError read_common(const json& obj, const RequestLimits& limits, GenerationOptions& o) {
  LS_TRY_FIELD(read_string(obj, "model", o.model));
  LS_TRY_FIELD(read_bool(obj, "stream", o.stream));
  if (const json* so = member(obj, "stream_options")) {
    if (!so->is_object()) return wrong_type("stream_options", "an object", *so);
    if (const json* iu = member(*so, "include_usage")) {
      if (!iu->is_boolean()) return wrong_type("stream_options.include_usage", "a boolean", *iu);
      o.include_usage = iu->get<bool>();
    }
  }
  std::optional<int64_t> max_tokens;
  std::optional<int64_t> max_completion_tokens;
  LS_TRY_FIELD(read_int(obj, "max_tokens", max_tokens, 1, limits.max_tokens));
  LS_TRY_FIELD(read_int(obj, "max_completion_tokens", max_completion_tokens, 1, limits.max_tokens));
  if (max_completion_tokens) o.max_tokens = static_cast<int>(*max_completion_tokens);
  else if (max_tokens) o.max_tokens = static_cast<int>(*max_tokens);

  SamplingParams& s = o.sampling;
  LS_TRY_FIELD(read_number(obj, "temperature", s.temperature, 0, 2));
  LS_TRY_FIELD(read_number(obj, "top_p", s.top_p, 0, 1));
  LS_TRY_FIELD(read_number(obj, "min_p", s.min_p, 0, 1));
  std::optional<int64_t> top_k;
  LS_TRY_FIELD(read_int(obj, "top_k", top_k, 0, 1 << 20));
  if (top_k) s.top_k = static_cast<int>(*top_k);
  std::optional<int64_t> seed;
  LS_TRY_FIELD(read_int(obj, "seed", seed, std::numeric_limits<int64_t>::min(),
                        std::numeric_limits<int64_t>::max()));
  s.seed = seed;
  std::optional<double> penalty;
  LS_TRY_FIELD(read_number(obj, "presence_penalty", penalty, -2, 2));
  if (penalty) s.presence_penalty = *penalty;
  penalty.reset();
  LS_TRY_FIELD(read_number(obj, "frequency_penalty", penalty, -2, 2));
  if (penalty) s.frequency_penalty = *penalty;
  penalty.reset();
  LS_TRY_FIELD(read_number(obj, "repetition_penalty", penalty, 0, 10, /*lo_exclusive=*/true));
  if (penalty) s.repetition_penalty = *penalty;

  std::optional<int64_t> n;
  LS_TRY_FIELD(read_int(obj, "n", n, std::numeric_limits<int64_t>::min(),
                        std::numeric_limits<int64_t>::max()));
  if (n && *n != 1)
    return ApiError::invalid("only n=1 is supported (one choice per request), got n=" +
                                 std::to_string(*n),
                             "n", "unsupported_value");
  LS_TRY_FIELD(read_stop(obj, limits, o.stop));
  LS_TRY_FIELD(read_string(obj, "user", o.user));
  LS_TRY_FIELD(read_bool(obj, "ignore_eos", o.ignore_eos));
  return std::nullopt;
}

MaybeError read_message(const json& m, size_t i, ChatMessage& out) {
  const std::string at = "messages[" + std::to_string(i) + "]";
  if (!m.is_object()) return wrong_type(at, "an object", m);
  const json* role = member(m, "role");
  if (role == nullptr) return ApiError::invalid("'" + at + ".role' is required", at + ".role");
  if (!role->is_string()) return wrong_type(at + ".role", "a string", *role);
  out.role = role->get<std::string>();
  if (out.role == "developer") out.role = "system";
  if (out.role != "system" && out.role != "user" && out.role != "assistant")
    return ApiError::invalid("'" + at + ".role' must be one of system, developer, user, assistant; got '" +
                                 out.role + "'",
                             at + ".role");
  const json* content = member(m, "content");
  if (content == nullptr) {
    if (out.role == "assistant") return std::nullopt;  // e.g. a turn that only had tool calls
    return ApiError::invalid("'" + at + ".content' is required", at + ".content");
  }
  if (content->is_string()) {
    out.content = content->get<std::string>();
    return std::nullopt;
  }
  if (!content->is_array())
    return wrong_type(at + ".content", "a string or an array of content parts", *content);
  for (size_t j = 0; j < content->size(); ++j) {
    const json& part = (*content)[j];
    const std::string pat = at + ".content[" + std::to_string(j) + "]";
    if (!part.is_object()) return wrong_type(pat, "an object", part);
    std::string type;
    LS_TRY_FIELD(read_string(part, "type", type));
    if (type != "text")
      return ApiError::invalid("'" + pat + ".type' '" + type +
                                   "' is not supported (only text parts)",
                               pat + ".type", "unsupported_value");
    const json* text = member(part, "text");
    if (text == nullptr || !text->is_string())
      return text == nullptr ? ApiError::invalid("'" + pat + ".text' is required", pat + ".text")
                             : wrong_type(pat + ".text", "a string", *text);
    out.content += text->get<std::string>();
  }
  return std::nullopt;
}

}  // namespace

std::optional<ReasoningFormat> reasoning_format_from_name(std::string_view name) {
  if (name == "deepseek" || name == "auto") return ReasoningFormat::kDeepseek;
  if (name == "none") return ReasoningFormat::kNone;
  return std::nullopt;
}

ApiResult<ChatCompletionRequest> parse_chat_request(std::string_view body,
                                                    const RequestLimits& limits) {
  auto doc = parse_object(body, limits);
  if (!doc.ok()) return doc.error();
  const json& obj = doc.value();
  ChatCompletionRequest r;
  LS_TRY_FIELD(read_common(obj, limits, r.options));

  const json* logprobs = member(obj, "logprobs");
  if (logprobs != nullptr) {
    if (!logprobs->is_boolean()) return wrong_type("logprobs", "a boolean", *logprobs);
    r.options.logprobs = logprobs->get<bool>();
  }
  std::optional<int64_t> top_logprobs;
  LS_TRY_FIELD(read_int(obj, "top_logprobs", top_logprobs, 0, limits.max_top_logprobs));
  if (top_logprobs) {
    if (!r.options.logprobs)
      return ApiError::invalid("'top_logprobs' requires 'logprobs' to be true", "top_logprobs");
    r.options.top_logprobs = static_cast<int>(*top_logprobs);
  }

  std::string format;
  LS_TRY_FIELD(read_string(obj, "reasoning_format", format));
  if (!format.empty()) {
    r.reasoning_format = reasoning_format_from_name(format);
    if (!r.reasoning_format)
      return ApiError::invalid("'reasoning_format' must be 'deepseek' or 'none', got '" + format + "'",
                               "reasoning_format");
  }

  const json* messages = member(obj, "messages");
  if (messages == nullptr) return ApiError::invalid("'messages' is required", "messages");
  if (!messages->is_array()) return wrong_type("messages", "an array", *messages);
  if (messages->empty()) return ApiError::invalid("'messages' must not be empty", "messages");
  if (messages->size() > limits.max_messages)
    return ApiError::invalid("'messages' holds " + std::to_string(messages->size()) +
                                 " messages, at most " + std::to_string(limits.max_messages) +
                                 " are allowed",
                             "messages");
  r.messages.resize(messages->size());
  for (size_t i = 0; i < messages->size(); ++i)
    LS_TRY_FIELD(read_message((*messages)[i], i, r.messages[i]));
  return r;
}

ApiResult<CompletionRequest> parse_completion_request(std::string_view body,
                                                      const RequestLimits& limits) {
  auto doc = parse_object(body, limits);
  if (!doc.ok()) return doc.error();
  const json& obj = doc.value();
  CompletionRequest r;
  LS_TRY_FIELD(read_common(obj, limits, r.options));
  if (!r.options.max_tokens) r.options.max_tokens = 16;  // the OpenAI default for completions

  // Legacy completions: logprobs is the number of alternatives (0..5), not a boolean.
  std::optional<int64_t> logprobs;
  LS_TRY_FIELD(read_int(obj, "logprobs", logprobs, 0, 5));
  if (logprobs) {
    r.options.logprobs = true;
    r.options.top_logprobs = static_cast<int>(*logprobs);
  }
  LS_TRY_FIELD(read_bool(obj, "echo", r.echo));
  std::optional<int64_t> best_of;
  LS_TRY_FIELD(read_int(obj, "best_of", best_of, 1, 1));
  std::string suffix;
  LS_TRY_FIELD(read_string(obj, "suffix", suffix));
  if (!suffix.empty())
    return ApiError::invalid("'suffix' (fill-in-the-middle) is not supported", "suffix",
                             "unsupported_value");

  const json* prompt = member(obj, "prompt");
  if (prompt == nullptr) return ApiError::invalid("'prompt' is required", "prompt");
  if (prompt->is_string()) {
    r.prompt = prompt->get<std::string>();
  } else if (prompt->is_array()) {
    if (prompt->size() != 1 || !(*prompt)[0].is_string())
      return ApiError::invalid("'prompt' must be a string or an array of exactly one string",
                               "prompt", "unsupported_value");
    r.prompt = (*prompt)[0].get<std::string>();
  } else {
    return wrong_type("prompt", "a string", *prompt);
  }
  return r;
}

ApiResult<TokenizeRequest> parse_tokenize_request(std::string_view body,
                                                  const RequestLimits& limits) {
  auto doc = parse_object(body, limits);
  if (!doc.ok()) return doc.error();
  const json& obj = doc.value();
  TokenizeRequest r;
  const json* content = member(obj, "content");
  if (content == nullptr) return ApiError::invalid("'content' is required", "content");
  if (!content->is_string()) return wrong_type("content", "a string", *content);
  r.content = content->get<std::string>();
  LS_TRY_FIELD(read_bool(obj, "add_special", r.add_special));
  LS_TRY_FIELD(read_bool(obj, "parse_special", r.parse_special));
  LS_TRY_FIELD(read_bool(obj, "with_pieces", r.with_pieces));
  return r;
}

ApiResult<std::vector<int32_t>> parse_detokenize_request(std::string_view body,
                                                         const RequestLimits& limits) {
  auto doc = parse_object(body, limits);
  if (!doc.ok()) return doc.error();
  const json* tokens = member(doc.value(), "tokens");
  if (tokens == nullptr) return ApiError::invalid("'tokens' is required", "tokens");
  if (!tokens->is_array()) return wrong_type("tokens", "an array of integers", *tokens);
  std::vector<int32_t> out;
  out.reserve(tokens->size());
  for (size_t i = 0; i < tokens->size(); ++i) {
    const json& t = (*tokens)[i];
    const std::string field = "tokens[" + std::to_string(i) + "]";
    if (!t.is_number_integer() && !t.is_number_unsigned()) return wrong_type(field, "an integer", t);
    int64_t v = t.is_number_unsigned() ? static_cast<int64_t>(std::min<uint64_t>(
                                             t.get<uint64_t>(), uint64_t{1} << 40))
                                       : t.get<int64_t>();
    if (v < 0 || v > std::numeric_limits<int32_t>::max())
      return ApiError::invalid("'" + field + "' is not a valid token id", "tokens");
    out.push_back(static_cast<int32_t>(v));
  }
  return out;
}

}  // namespace ls::server
