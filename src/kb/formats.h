// Document formats: detection by file extension and parsing of raw bytes into ParsedDocuments.
//   text (.txt .text .log .csv): one section; encoding detected (kb/charset.h)
//   markdown (.md .markdown): ATX headings (# …) become heading paths; fenced code kept as text
//   html (.html .htm .xhtml): gumbo; <title>, h1-h6 headings, main text (<main>/<article> when
//        present); script, style, nav, noscript, template, svg, header/footer/aside dropped
//   pdf (.pdf): poppler-cpp, one section per page with its page number
//   jsonl (.jsonl .ndjson): one document per line, {"_id"|"id", "title", "text", "metadata"?}
//        (BEIR layout); a bad line is reported and skipped
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kb/parsed_document.h"
#include "util/error.h"

namespace ls::kb {

enum class Format { kText, kMarkdown, kHtml, kPdf, kJsonl };

const char* format_name(Format f);
Result<Format> parse_format_name(std::string_view name);  // "text", "markdown", "html", "pdf", "jsonl"
// By extension (case-insensitive); kUnsupported lists the known ones.
Result<Format> format_for_path(const std::string& path);
bool is_supported_path(const std::string& path);

struct ParseOutput {
  std::vector<ParsedDocument> docs;
  std::vector<std::string> errors;  // per-item problems (e.g. "line 7: not JSON"), the rest parsed
};

// `name` is used for the default title (file name) and in error messages.
Result<ParseOutput> parse_document(Format format, std::string_view bytes, const std::string& name);

// Individual parsers (UTF-8 input except PDF, which takes raw bytes).
ParsedDocument parse_text(std::string text);
ParsedDocument parse_markdown(std::string text);
ParsedDocument parse_html(std::string_view html);
Result<ParsedDocument> parse_pdf(std::string_view bytes);
ParseOutput parse_jsonl(std::string_view text, const std::string& name);  // no id: "name#line"

}  // namespace ls::kb
