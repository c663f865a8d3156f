// Structure-aware recursive chunking. Sections (headings) are never merged; inside a section the
// text is split recursively — paragraphs (blank lines) → lines → sentences (. ! ? and the Chinese
// 。！？；) → words (whitespace) → characters — until every piece fits the target size, then the
// pieces are packed greedily into chunks of at most `target_tokens`, each new chunk starting with up
// to `overlap_tokens` of the previous one's trailing pieces. Sizes use kb/token_estimate.h.
#pragma once

#include <vector>

#include "kb/parsed_document.h"
#include "kb/types.h"

namespace ls::kb {

struct ChunkerOptions {
  int target_tokens = 512;
  int overlap_tokens = 64;
};

// Chunks of one document, in order. A document with a title but no text yields one empty chunk so
// that its title stays searchable.
std::vector<ChunkInput> chunk_document(const ParsedDocument& doc, const ChunkerOptions& opts);

}  // namespace ls::kb
