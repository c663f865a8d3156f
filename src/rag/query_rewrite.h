// Query rewrite by the chat model (opt-in): the conversation → one standalone search query
// ("what about its population?" after a turn about Berlin → "Berlin population"). The model is
// asked with a short prompt for a single line; its answer is checked before it is used, and
// anything unusable (empty, too long, not text, sharing no word with the conversation, a failed
// or timed-out generation) falls back to the heuristic query of conversation.h with a warning.
// How the model is run (greedy, a few tokens, reasoning skipped and split off, a deadline) is the
// caller's QueryModel: the server runs it on its backend, `ask` on its session.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "rag/conversation.h"
#include "util/error.h"

namespace ls::rag {

// Limits a QueryModel should keep: a query is a line, not an essay.
constexpr int kRewriteMaxTokens = 48;
constexpr double kRewriteTimeoutSeconds = 10;
constexpr size_t kRewriteMaxBytes = 256;

// The chat model's answer text (reasoning split off) to `messages`, or why there is none.
using QueryModel = std::function<Result<std::string>(const std::vector<Message>& messages)>;

// The prompt: an instruction in the user's language and the recent turns (long ones cut).
std::vector<Message> query_rewrite_prompt(const std::vector<Message>& conversation);

// The model's answer → the query (first non-empty line, labels and quotes removed); an error
// saying why it cannot be used.
Result<std::string> parse_rewritten_query(std::string_view answer, const std::vector<Message>& conversation);

struct QueryChoice {
  std::string query;       // what retrieval searches for
  bool rewritten = false;  // the model's query; false: the heuristic's
  std::string warning;     // set when a rewrite was tried and not used
  double seconds = 0;      // time spent on the model
};

// The heuristic query, or the model's when `model` is set and its answer passes the checks.
QueryChoice choose_query(const std::vector<Message>& conversation, const QueryModel* model);

}  // namespace ls::rag
