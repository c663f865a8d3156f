#include "server/embedding_request.h"

#include <bit>
#include <cstring>

#include <nlohmann/json.hpp>

namespace ls::server {
namespace {

using json = nlohmann::json;

// Rejects documents nested deeper than `max` before the parser sees them.
bool too_deep(std::string_view body, int max) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : body) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

ApiResult<json> parse_object(std::string_view body, int max_depth) {
  if (too_deep(body, max_depth)) {
    return ApiError::invalid("request body is nested deeper than " + std::to_string(max_depth) + " levels");
  }
  json doc = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return ApiError::invalid("request body is not valid JSON (expected a JSON object)");
  if (!doc.is_object()) return ApiError::invalid("request body must be a JSON object");
  return doc;
}

ApiError wrong(const std::string& field, const std::string& expected) {
  return ApiError::invalid("'" + field + "' must be " + expected, field);
}

bool is_int(const json& v) { return v.is_number_integer() || v.is_number_unsigned(); }

ApiResult<std::vector<int32_t>> token_array(const json& a, const std::string& field) {
  std::vector<int32_t> out;
  out.reserve(a.size());
  for (size_t i = 0; i < a.size(); ++i) {
    const json& t = a[i];
    if (!is_int(t)) return wrong(field + "[" + std::to_string(i) + "]", "a token id (integer)");
    if (t.is_number_unsigned() ? t.get<uint64_t>() > INT32_MAX : (t.get<int64_t>() < 0 || t.get<int64_t>() > INT32_MAX)) {
      return ApiError::invalid("'" + field + "[" + std::to_string(i) + "]' is not a valid token id", field);
    }
    out.push_back(static_cast<int32_t>(t.get<int64_t>()));
  }
  if (out.empty()) return ApiError::invalid("'" + field + "' must not be empty", field);
  return out;
}

std::string optional_string(const json& obj, const char* key, ApiError* err) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return {};
  if (!it->is_string()) {
    *err = wrong(key, "a string");
    return {};
  }
  return it->get<std::string>();
}

}  // namespace

ApiResult<EmbeddingRequest> parse_embedding_request(std::string_view body, const EmbeddingLimits& limits) {
  auto doc = parse_object(body, limits.max_json_depth);
  if (!doc.ok()) return doc.error();
  const json& obj = doc.value();
  EmbeddingRequest r;
  ApiError err;
  r.model = optional_string(obj, "model", &err);
  if (!err.message.empty()) return err;
  auto input = obj.find("input");
  if (input == obj.end() || input->is_null()) return ApiError::invalid("'input' is required", "input");
  if (input->is_string()) {
    r.inputs.emplace_back(input->get<std::string>());
  } else if (input->is_array()) {
    if (input->empty()) return ApiError::invalid("'input' must not be an empty array", "input");
    if (input->size() > limits.max_inputs) {
      return ApiError::invalid("'input' has " + std::to_string(input->size()) + " items; at most " +
                                   std::to_string(limits.max_inputs) + " per request",
                               "input");
    }
    if (is_int((*input)[0])) {
      auto ids = token_array(*input, "input");  // one token-id sequence
      if (!ids.ok()) return ids.error();
      r.inputs.emplace_back(std::move(ids).value());
    } else {
      for (size_t i = 0; i < input->size(); ++i) {
        const json& it = (*input)[i];
        const std::string field = "input[" + std::to_string(i) + "]";
        if (it.is_string()) {
          r.inputs.emplace_back(it.get<std::string>());
        } else if (it.is_array()) {
          auto ids = token_array(it, field);
          if (!ids.ok()) return ids.error();
          r.inputs.emplace_back(std::move(ids).value());
        } else {
          return wrong(field, "a string or an array of token ids");
        }
      }
    }
  } else {
    return wrong("input", "a string, an array of strings, an array of token ids or an array of such arrays");
  }
  for (size_t i = 0; i < r.inputs.size(); ++i) {
    if (const auto* s = std::get_if<std::string>(&r.inputs[i]); s != nullptr && s->empty()) {
      return ApiError::invalid("'input' must not contain empty strings (item " + std::to_string(i) + ")", "input");
    }
  }
  const std::string format = optional_string(obj, "encoding_format", &err);
  if (!err.message.empty()) return err;
  if (format == "base64") {
    r.base64 = true;
  } else if (!format.empty() && format != "float") {
    return ApiError::invalid("'encoding_format' must be \"float\" or \"base64\", got \"" + format + "\"",
                             "encoding_format");
  }
  if (auto d = obj.find("dimensions"); d != obj.end() && !d->is_null()) {
    if (!is_int(*d) || d->get<int64_t>() < 1 || d->get<int64_t>() > (1 << 20)) {
      return wrong("dimensions", "a positive integer");
    }
    r.dimensions = static_cast<int>(d->get<int64_t>());
  }
  const std::string input_type = optional_string(obj, "input_type", &err);
  if (!err.message.empty()) return err;
  if (input_type == "query" || input_type == "search_query") {
    r.query = true;
  } else if (!input_type.empty() && input_type != "document" && input_type != "passage" &&
             input_type != "search_document") {
    return ApiError::invalid("'input_type' must be \"query\" or \"document\"", "input_type");
  }
  if (auto t = obj.find("truncate"); t != obj.end() && !t->is_null()) {
    if (!t->is_boolean()) return wrong("truncate", "a boolean");
    r.truncate = t->get<bool>();
  }
  return r;
}

ApiResult<RerankRequest> parse_rerank_request(std::string_view body, const EmbeddingLimits& limits) {
  auto doc = parse_object(body, limits.max_json_depth);
  if (!doc.ok()) return doc.error();
  const json& obj = doc.value();
  RerankRequest r;
  ApiError err;
  r.model = optional_string(obj, "model", &err);
  if (!err.message.empty()) return err;
  auto q = obj.find("query");
  if (q == obj.end() || !q->is_string()) return wrong("query", "a string");
  r.query = q->get<std::string>();
  if (r.query.empty()) return ApiError::invalid("'query' must not be empty", "query");
  // llama-server also accepts "texts" for the documents.
  auto docs = obj.find("documents");
  if (docs == obj.end()) docs = obj.find("texts");
  if (docs == obj.end() || !docs->is_array()) return wrong("documents", "an array of strings");
  if (docs->empty()) return ApiError::invalid("'documents' must not be empty", "documents");
  if (docs->size() > limits.max_inputs) {
    return ApiError::invalid("'documents' has " + std::to_string(docs->size()) + " items; at most " +
                                 std::to_string(limits.max_inputs) + " per request",
                             "documents");
  }
  for (size_t i = 0; i < docs->size(); ++i) {
    const json& d = (*docs)[i];
    const std::string field = "documents[" + std::to_string(i) + "]";
    if (d.is_string()) {
      r.documents.push_back(d.get<std::string>());
    } else if (d.is_object() && d.contains("text") && d["text"].is_string()) {  // Cohere's {text}
      r.documents.push_back(d["text"].get<std::string>());
    } else {
      return wrong(field, "a string (or an object with a string 'text')");
    }
  }
  if (auto t = obj.find("top_n"); t != obj.end() && !t->is_null()) {
    if (!is_int(*t) || t->get<int64_t>() < 1) return wrong("top_n", "a positive integer");
    r.top_n = static_cast<int>(std::min<int64_t>(t->get<int64_t>(), 1 << 30));
  }
  if (auto t = obj.find("return_documents"); t != obj.end() && !t->is_null()) {
    if (!t->is_boolean()) return wrong("return_documents", "a boolean");
    r.return_documents = t->get<bool>();
  }
  return r;
}

std::string base64_floats(const std::vector<float>& v) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string bytes(v.size() * 4, '\0');
  for (size_t i = 0; i < v.size(); ++i) {
    uint32_t u = std::bit_cast<uint32_t>(v[i]);
    for (int b = 0; b < 4; ++b) bytes[i * 4 + static_cast<size_t>(b)] = static_cast<char>((u >> (8 * b)) & 0xFF);
  }
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    const size_t n = std::min<size_t>(3, bytes.size() - i);
    uint32_t chunk = 0;
    for (size_t k = 0; k < 3; ++k) chunk = (chunk << 8) | (k < n ? static_cast<uint8_t>(bytes[i + k]) : 0u);
    for (size_t k = 0; k < 4; ++k) out += k <= n ? kAlphabet[(chunk >> (18 - 6 * k)) & 63] : '=';
  }
  return out;
}

}  // namespace ls::server
