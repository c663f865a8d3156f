// A retrieved piece of text with where it came from: the unit that is ranked, packed and cited.
#pragma once

#include <cstdint>
#include <string>

namespace ls::rag {

struct Passage {
  std::string origin;      // "kb" or "web"
  std::string title;
  std::string source;      // URL (web) or the document's source (kb)
  std::string collection;  // kb collection; "" for web
  std::string document_id;
  int64_t chunk_id = 0;    // kb chunk id; for web, the chunk's index within the page
  std::string text;
  double score = 0;        // higher is better, comparable only within one ranking
};

}  // namespace ls::rag
