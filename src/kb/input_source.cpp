#include "kb/input_source.h"

#include <filesystem>

#include "util/strings.h"

namespace fs = std::filesystem;

namespace ls::kb {

bool is_url(const std::string& s) {
  std::string l = to_lower_ascii(s.substr(0, 8));
  return starts_with(l, "http://") || starts_with(l, "https://");
}

Result<Format> format_for_response(const std::string& content_type, const std::string& url) {
  const std::string& t = content_type;
  if (t == "text/html" || t == "application/xhtml+xml") return Format::kHtml;
  if (t == "application/pdf") return Format::kPdf;
  if (t == "text/markdown" || t == "text/x-markdown") return Format::kMarkdown;
  if (t == "application/x-ndjson" || t == "application/jsonl" || t == "application/x-jsonlines") return Format::kJsonl;
  std::string path = url.substr(0, url.find_first_of("?#"));
  auto by_ext = format_for_path(path);
  if (by_ext.ok() && (t.empty() || starts_with(t, "text/") || t == "application/octet-stream")) return by_ext;
  if (starts_with(t, "text/")) return Format::kText;
  if (by_ext.ok()) return by_ext;
  return Error::unsupported("unsupported content type '" + t + "' for " + url);
}

namespace {

Status ingest_url(Ingestor& ing, const std::string& url, const FetchPolicy& fetch, InputOutcome& out) {
  auto r = fetch_url(url, fetch);
  if (!r.ok()) {
    ing.fail(url, r.error().message);
    out.keep.insert(url);
    return {};
  }
  auto fmt = format_for_response(r->content_type, r->url);
  if (!fmt.ok()) {
    ing.fail(url, fmt.error().message);
    out.keep.insert(url);
    return {};
  }
  return ing.add_bytes(r->body, *fmt, url, url);
}

}  // namespace

Result<InputOutcome> ingest_input(Ingestor& ing, const std::string& input, const FetchPolicy& fetch) {
  InputOutcome out;
  if (is_url(input)) {
    LS_TRY(ingest_url(ing, input, fetch, out));
    out.reachable = out.keep.empty();
    return out;
  }
  std::error_code ec;
  if (!fs::exists(input, ec)) {
    ing.fail(input, "no such file or folder");
    out.reachable = false;
    return out;
  }
  if (ends_with(to_lower_ascii(input), ".urls") && !fs::is_directory(input, ec)) {
    auto list = read_file(input);
    if (!list.ok()) {
      ing.fail(input, list.error().message);
      out.reachable = false;
      return out;
    }
    for (const auto& line : split(*list, "\n")) {
      std::string u(trim(line));
      if (u.empty() || u[0] == '#') continue;
      if (!is_url(u)) {
        ing.fail(input, "not an http(s) URL: '" + u + "'");
        continue;
      }
      LS_TRY(ingest_url(ing, u, fetch, out));
    }
    return out;
  }
  size_t before = ing.report().errors.size();
  LS_TRY(ing.add_path(input));
  // Items that failed keep their stored version: their ids are their absolute paths.
  const auto& errs = ing.report().errors;
  for (size_t i = before; i < errs.size(); ++i) {
    std::string path = errs[i].substr(0, errs[i].find(": "));
    out.keep.insert(fs::absolute(path, ec).lexically_normal().string());
  }
  return out;
}

}  // namespace ls::kb
