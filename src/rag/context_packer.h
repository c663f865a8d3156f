// Context packing: ranked passages → the numbered ones that fit the model's token budget.
// Duplicates (same source chunk, or the same text after whitespace/case folding) are dropped first;
// then passages are taken in order while they fit; the first one that does not fit is cut to the
// remaining room when that room is worth using (>= min_tail_tokens); everything dropped is reported
// with the reason (the caller logs it).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "rag/passage.h"

namespace ls::rag {

// Tokens a text costs: the model's tokenizer when one is loaded, else kb's estimate.
using TokenCounter = std::function<int(std::string_view)>;
TokenCounter estimate_counter();

struct PackOptions {
  int budget_tokens = 2048;
  int min_tail_tokens = 48;
  int max_passages = 16;
};

struct Dropped {
  Passage passage;
  std::string reason;  // "duplicate", "over budget", "too many passages"
};

struct Packed {
  std::vector<Passage> passages;  // citation n = index + 1
  std::vector<Dropped> dropped;
  int tokens = 0;                 // what the packed passages cost (as rendered)
};

// `render` gives the text one passage occupies in the prompt (numbering and fences included).
using PassageRenderer = std::function<std::string(size_t n, const Passage&)>;

Packed pack_context(std::vector<Passage> ranked, const PackOptions& options, const TokenCounter& count,
                    const PassageRenderer& render);

}  // namespace ls::rag
