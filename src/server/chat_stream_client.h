// One streaming chat completion over real HTTP, timed as a user sees it: when the first token
// arrived, the gaps between later ones, and the token counts the server reported. The load
// benchmark (`localseek bench-serve`) runs many of these at once.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/error.h"

namespace ls::server {

// Where the server is: http://host:port (a trailing "/" or "/v1" is accepted and dropped).
struct Endpoint {
  std::string host;
  int port = 0;
  std::string api_key;  // sent as "Authorization: Bearer" when set
  int timeout_seconds = 600;
};
Result<Endpoint> parse_endpoint(const std::string& url);

struct StreamTiming {
  bool ok = false;
  std::string error;              // why it failed (status and body, transport error, bad stream)
  double first_token_s = 0;       // request sent → first chunk with text (content or reasoning)
  std::vector<double> gaps_s;     // between consecutive chunks with text
  double total_s = 0;             // request sent → end of stream
  int text_chunks = 0;
  int prompt_tokens = 0;          // from the usage chunk (stream_options.include_usage)
  int completion_tokens = 0;      // ... or the number of text chunks when the server sent none
};

// POSTs `body` (a chat request; "stream" and stream_options.include_usage are set here) to
// /v1/chat/completions and reads the SSE stream to its [DONE].
StreamTiming stream_chat(const Endpoint& endpoint, nlohmann::json body);

// GET /v1/models: the first model's id.
Result<std::string> first_model(const Endpoint& endpoint);
// POST /tokenize {"content": text} (localseek and llama.cpp servers): how many tokens.
Result<int> count_tokens(const Endpoint& endpoint, const std::string& text);

}  // namespace ls::server
