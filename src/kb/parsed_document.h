// What a format parser produces: the document's text as sections, each under a heading path.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ls::kb {

struct Section {
  std::vector<std::string> heading_path;  // enclosing headings, outermost first
  std::string text;                       // body text under those headings (UTF-8)
  int64_t offset = 0;                     // byte offset of `text` in the document's extracted text
  int page = 0;                           // 1-based page (PDF), 0 when not paged
};

struct ParsedDocument {
  std::string title;
  std::vector<Section> sections;
  std::string metadata_json = "{}";
  std::string id;  // set by formats that carry their own ids (jsonl); otherwise derived from the source
};

}  // namespace ls::kb
