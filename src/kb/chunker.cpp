#include "kb/chunker.h"

#include <algorithm>
#include <string_view>

#include "kb/token_estimate.h"
#include "util/strings.h"
#include "util/utf8.h"

namespace ls::kb {
namespace {

struct Piece {
  size_t start, end;  // byte range in the section text
  int tokens;
};

enum Level { kParagraph, kLine, kSentence, kWord, kChar };

bool is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Cut points (exclusive ends of pieces) inside [a, b) for one level.
std::vector<size_t> cut_points(std::string_view t, size_t a, size_t b, Level level) {
  std::vector<size_t> cuts;
  switch (level) {
    case kParagraph:
      for (size_t i = a; i + 1 < b; ++i) {
        if (t[i] == '\n') {
          size_t j = i + 1;
          while (j < b && (t[j] == ' ' || t[j] == '\t' || t[j] == '\r')) ++j;
          if (j < b && t[j] == '\n') {
            cuts.push_back(i + 1);
            i = j;
          }
        }
      }
      break;
    case kLine:
      for (size_t i = a; i < b; ++i)
        if (t[i] == '\n') cuts.push_back(i + 1);
      break;
    case kSentence:
      for (size_t i = a; i < b;) {
        auto c = static_cast<unsigned char>(t[i]);
        if ((c == '.' || c == '!' || c == '?') && (i + 1 >= b || is_space(static_cast<unsigned char>(t[i + 1])))) {
          cuts.push_back(i + 1);
          ++i;
          continue;
        }
        if (c >= 0x80) {
          size_t k = i;
          char32_t cp = utf8::decode_one(t, k);
          // 。！？； and the full-width semicolon end Chinese sentences.
          if (cp == U'\u3002' || cp == U'\uFF01' || cp == U'\uFF1F' || cp == U'\uFF1B') cuts.push_back(k);
          i = k;
          continue;
        }
        ++i;
      }
      break;
    case kWord:
      for (size_t i = a; i < b; ++i)
        if (is_space(static_cast<unsigned char>(t[i])) && i + 1 < b && !is_space(static_cast<unsigned char>(t[i + 1])))
          cuts.push_back(i + 1);
      break;
    case kChar:
      for (size_t i = a; i < b;) {
        utf8::decode_one(t, i);
        cuts.push_back(i);
      }
      break;
  }
  if (cuts.empty() || cuts.back() != b) cuts.push_back(b);
  return cuts;
}

void split(std::string_view t, size_t a, size_t b, int target, Level level, std::vector<Piece>& out) {
  int tokens = estimate_tokens(t.substr(a, b - a));
  if (tokens <= target || level > kChar) {
    if (tokens > 0 || !trim(t.substr(a, b - a)).empty()) out.push_back({a, b, tokens});
    return;
  }
  if (level == kChar) {  // every character is its own piece
    for (size_t s = a; s < b;) {
      size_t e = s;
      utf8::decode_one(t, e);
      out.push_back({s, e, estimate_tokens(t.substr(s, e - s))});
      s = e;
    }
    return;
  }
  size_t s = a;
  for (size_t e : cut_points(t, a, b, level)) {
    if (e <= s) continue;
    split(t, s, e, target, static_cast<Level>(level + 1), out);
    s = e;
  }
}

// The trimmed byte range [s, e) of t.
std::pair<size_t, size_t> trimmed(std::string_view t, size_t s, size_t e) {
  while (s < e && is_space(static_cast<unsigned char>(t[s]))) ++s;
  while (e > s && is_space(static_cast<unsigned char>(t[e - 1]))) --e;
  return {s, e};
}

void pack(const Section& sec, const std::vector<Piece>& pieces, const ChunkerOptions& o, const std::string& heading,
          std::vector<ChunkInput>& out) {
  std::string_view t = sec.text;
  size_t first = 0;
  while (first < pieces.size()) {
    size_t last = first;
    int total = pieces[first].tokens;
    while (last + 1 < pieces.size() && total + pieces[last + 1].tokens <= o.target_tokens) {
      ++last;
      total += pieces[last].tokens;
    }
    auto [s, e] = trimmed(t, pieces[first].start, pieces[last].end);
    if (e > s) {
      ChunkInput c;
      c.text = std::string(t.substr(s, e - s));
      c.heading_path = heading;
      c.start_offset = sec.offset + static_cast<int64_t>(s);
      c.end_offset = sec.offset + static_cast<int64_t>(e);
      c.page = sec.page;
      c.token_count = total;
      out.push_back(std::move(c));
    }
    if (last + 1 >= pieces.size()) break;
    // Next chunk starts with trailing pieces worth at most overlap_tokens, but always moves forward.
    size_t next = last + 1;
    int overlap = 0;
    while (next - 1 > first && overlap + pieces[next - 1].tokens <= o.overlap_tokens) {
      --next;
      overlap += pieces[next].tokens;
    }
    first = next;
  }
}

}  // namespace

std::vector<ChunkInput> chunk_document(const ParsedDocument& doc, const ChunkerOptions& opts) {
  ChunkerOptions o = opts;
  o.target_tokens = std::max(o.target_tokens, 1);
  o.overlap_tokens = std::clamp(o.overlap_tokens, 0, o.target_tokens - 1);
  std::vector<ChunkInput> out;
  for (const Section& sec : doc.sections) {
    std::vector<Piece> pieces;
    split(sec.text, 0, sec.text.size(), o.target_tokens, kParagraph, pieces);
    pack(sec, pieces, o, join(sec.heading_path, " > "), out);
  }
  if (out.empty() && !doc.title.empty()) out.push_back(ChunkInput{});
  return out;
}

}  // namespace ls::kb
