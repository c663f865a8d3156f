#include "rag/citation_filter.h"

#include <string_view>
#include <vector>

namespace ls::rag {
namespace {

constexpr size_t kMaxMarker = 32;  // longer bracket contents are not markers

bool marker_char(char c) { return (c >= '0' && c <= '9') || c == ',' || c == ' ' || c == '-'; }

}  // namespace

std::string CitationFilter::decide(const std::string& b) {
  // b = "[" body "]"; a marker body is numbers separated by commas/spaces.
  const std::string_view body = std::string_view(b).substr(1, b.size() - 2);
  std::vector<std::string> numbers;
  std::string cur;
  bool has_digit = false;
  for (size_t i = 0; i <= body.size(); ++i) {
    const char c = i < body.size() ? body[i] : ',';
    if (c >= '0' && c <= '9') {
      cur += c;
      has_digit = true;
    } else if (c == ',' || c == ' ') {
      if (!cur.empty()) numbers.push_back(cur);
      cur.clear();
    } else {
      return b;  // '-' ranges and anything else: not a plain marker, leave it
    }
  }
  if (!has_digit) return b;
  std::string kept;
  for (const auto& n : numbers) {
    const bool valid = n.size() <= 6 && std::stoul(n) >= 1 && std::stoul(n) <= passages_;
    if (!valid) continue;
    kept.append(kept.empty() ? "[" : ", ");
    kept.append(n);
  }
  if (!kept.empty()) kept.push_back(']');
  return kept;
}

std::string CitationFilter::push(const std::string& delta) {
  std::string out;
  for (char c : delta) {
    if (held_.empty()) {
      if (c == '[') held_.assign(1, '[');
      else out += c;
      continue;
    }
    if (c == ']') {
      held_ += c;
      out += decide(held_);
      held_.clear();
    } else if (marker_char(c) && held_.size() < kMaxMarker) {
      held_ += c;
    } else {
      // Not a marker after all: release what was held and look at c afresh.
      out += held_;
      held_.clear();
      if (c == '[') held_.assign(1, '[');
      else out += c;
    }
  }
  return out;
}

std::string CitationFilter::flush() {
  std::string out = std::move(held_);
  held_.clear();
  return out;
}

std::string filter_citations(const std::string& text, size_t passages) {
  CitationFilter f(passages);
  std::string out = f.push(text);
  return out + f.flush();
}

}  // namespace ls::rag
