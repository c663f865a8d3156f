#include "kb/formats.h"

#include <filesystem>

#include "kb/charset.h"
#include "kb/enum_names.h"
#include "util/strings.h"

namespace ls::kb {
namespace {

struct Ext {
  const char* ext;
  Format format;
};
constexpr Ext kExtensions[] = {
    {".txt", Format::kText},   {".text", Format::kText},      {".log", Format::kText},
    {".csv", Format::kText},   {".md", Format::kMarkdown},    {".markdown", Format::kMarkdown},
    {".html", Format::kHtml},  {".htm", Format::kHtml},       {".xhtml", Format::kHtml},
    {".pdf", Format::kPdf},    {".jsonl", Format::kJsonl},    {".ndjson", Format::kJsonl},
};

constexpr EnumName<Format> kFormatNames[] = {{Format::kText, "text"},
                                            {Format::kMarkdown, "markdown"},
                                            {Format::kHtml, "html"},
                                            {Format::kPdf, "pdf"},
                                            {Format::kJsonl, "jsonl"}};

std::string stem_of(const std::string& name) {
  std::filesystem::path p(name);
  std::string s = p.stem().string();
  return s.empty() ? name : s;
}

}  // namespace

const char* format_name(Format f) { return name_of(kFormatNames, f); }

Result<Format> parse_format_name(std::string_view name) { return parse_name(kFormatNames, name, "format"); }

Result<Format> format_for_path(const std::string& path) {
  std::string ext = to_lower_ascii(std::filesystem::path(path).extension().string());
  for (const auto& e : kExtensions)
    if (ext == e.ext) return e.format;
  std::string known;
  for (const auto& e : kExtensions) known += std::string(known.empty() ? "" : " ") + e.ext;
  return Error::unsupported("unsupported file type '" + ext + "' (supported: " + known + ")");
}

bool is_supported_path(const std::string& path) { return format_for_path(path).ok(); }

Result<ParseOutput> parse_document(Format format, std::string_view bytes, const std::string& name) {
  ParseOutput out;
  if (format == Format::kPdf) {
    LS_ASSIGN_OR_RETURN(ParsedDocument d, parse_pdf(bytes));
    if (d.title.empty()) d.title = stem_of(name);
    out.docs.push_back(std::move(d));
    return out;
  }
  LS_ASSIGN_OR_RETURN(DecodedText dec, decode_to_utf8(bytes));
  switch (format) {
    case Format::kJsonl: return parse_jsonl(dec.text, name);
    case Format::kHtml: out.docs.push_back(parse_html(dec.text)); break;
    case Format::kMarkdown: out.docs.push_back(parse_markdown(std::move(dec.text))); break;
    default: out.docs.push_back(parse_text(std::move(dec.text))); break;
  }
  ParsedDocument& d = out.docs.back();
  if (d.title.empty()) d.title = stem_of(name);
  if (dec.charset != "UTF-8") d.metadata_json = "{\"charset\":\"" + dec.charset + "\"}";
  return out;
}

ParsedDocument parse_text(std::string text) {
  ParsedDocument d;
  Section s;
  s.text = std::move(text);
  d.sections.push_back(std::move(s));
  return d;
}

ParsedDocument parse_markdown(std::string text) {
  ParsedDocument d;
  std::vector<std::string> path;
  std::vector<int> levels;
  Section cur;
  size_t body_start = 0;
  bool in_fence = false;
  auto close_section = [&](size_t end) {
    cur.text = text.substr(body_start, end - body_start);
    cur.offset = static_cast<int64_t>(body_start);
    if (!trim(cur.text).empty()) d.sections.push_back(cur);
  };
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string::npos ? text.size() : nl + 1;
    std::string_view line(text.data() + pos, end - pos);
    std::string_view t = trim(line);
    if (starts_with(t, "```") || starts_with(t, "~~~")) in_fence = !in_fence;
    int level = 0;
    if (!in_fence && line.size() > 0 && line[0] == '#') {
      while (level < static_cast<int>(line.size()) && line[static_cast<size_t>(level)] == '#') ++level;
      bool spaced = static_cast<size_t>(level) >= line.size() || line[static_cast<size_t>(level)] == ' ' ||
                    line[static_cast<size_t>(level)] == '\t' || line[static_cast<size_t>(level)] == '\n' ||
                    line[static_cast<size_t>(level)] == '\r';
      if (level > 6 || !spaced) level = 0;
    }
    if (level > 0) {
      close_section(pos);
      std::string heading(trim(line.substr(static_cast<size_t>(level))));
      while (!heading.empty() && heading.back() == '#') heading.pop_back();  // closing #s
      heading = std::string(trim(heading));
      while (!levels.empty() && levels.back() >= level) {
        levels.pop_back();
        path.pop_back();
      }
      levels.push_back(level);
      path.push_back(heading);
      if (level == 1 && d.title.empty()) d.title = heading;
      cur.heading_path = path;
      body_start = end;
    }
    pos = end;
  }
  close_section(text.size());
  return d;
}

}  // namespace ls::kb
