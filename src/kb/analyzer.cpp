#include "kb/analyzer.h"

#include <libstemmer.h>
#include <unicode/brkiter.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <array>
#include <memory>

#include "kb/enum_names.h"
#include "util/utf8.h"

namespace ls::kb {
namespace {

bool is_cjk(char32_t c) {
  return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x2FFFF) ||
         (c >= 0x3040 && c <= 0x30FF) ||  // hiragana, katakana
         (c >= 0x31F0 && c <= 0x31FF);
}

struct AsciiTable {
  std::array<char, 128> fold{};  // 0 = separator, else the lowercase character
  AsciiTable() {
    for (int c = 0; c < 128; ++c) {
      if (c >= 'a' && c <= 'z') fold[c] = static_cast<char>(c);
      else if (c >= 'A' && c <= 'Z') fold[c] = static_cast<char>(c - 'A' + 'a');
      else if (c >= '0' && c <= '9') fold[c] = static_cast<char>(c);
    }
  }
};
const AsciiTable kAscii;

// Per-thread helpers: libstemmer and ICU break iterators are not thread-safe objects.
struct ThreadTools {
  sb_stemmer* stemmer = nullptr;
  std::unique_ptr<icu::BreakIterator> words;
  ThreadTools() { stemmer = sb_stemmer_new("porter", "UTF_8"); }
  ~ThreadTools() {
    if (stemmer != nullptr) sb_stemmer_delete(stemmer);
  }
  icu::BreakIterator* word_breaker() {
    if (!words) {
      UErrorCode st = U_ZERO_ERROR;
      words.reset(icu::BreakIterator::createWordInstance(icu::Locale::getChinese(), st));
      if (U_FAILURE(st)) words.reset();
    }
    return words.get();
  }
};
ThreadTools& tools() {
  thread_local ThreadTools t;
  return t;
}

// Appends the case- and accent-folded form of a non-ASCII letter/digit.
void fold_append(std::string& out, char32_t cp) {
  UErrorCode st = U_ZERO_ERROR;
  static const icu::Normalizer2* nfkd = icu::Normalizer2::getNFKDInstance(st);
  UChar32 f = u_foldCase(static_cast<UChar32>(cp), U_FOLD_CASE_DEFAULT);
  icu::UnicodeString dec;
  if (nfkd != nullptr && nfkd->getDecomposition(f, dec)) {
    for (int32_t i = 0; i < dec.length();) {
      UChar32 c = dec.char32At(i);
      i += U16_LENGTH(c);
      int8_t t = u_charType(c);
      if (t == U_NON_SPACING_MARK || t == U_ENCLOSING_MARK || t == U_COMBINING_SPACING_MARK) continue;
      if (!u_isalnum(c)) continue;
      c = u_foldCase(c, U_FOLD_CASE_DEFAULT);
      if (c < 128) out.push_back(kAscii.fold[c] ? kAscii.fold[c] : static_cast<char>(c));
      else utf8::append(out, static_cast<char32_t>(c));
    }
    return;
  }
  utf8::append(out, static_cast<char32_t>(f));
}

constexpr std::string_view kStopwords[] = {
    "a",  "an",   "and",  "are",  "as",   "at",    "be",    "but",  "by",   "for", "if",
    "in", "into", "is",   "it",   "no",   "not",   "of",    "on",   "or",   "such", "that",
    "the", "their", "then", "there", "these", "they", "this", "to", "was", "will", "with"};

class Emitter {
 public:
  Emitter(const AnalyzerOptions& o, TermSink& s) : opts_(o), sink_(s) {}

  bool word(std::string& w, bool ascii, size_t start, size_t end) {
    if (w.empty()) return true;
    if (w.size() > Analyzer::kMaxTermBytes) {
      size_t cut = Analyzer::kMaxTermBytes;
      while (cut > 0 && (static_cast<unsigned char>(w[cut]) & 0xC0) == 0x80) --cut;
      w.resize(cut);
    }
    if (ascii) {
      if (opts_.stopwords && is_english_stopword(w)) return true;
      if (opts_.stem && tools().stemmer != nullptr) {
        const sb_symbol* s = sb_stemmer_stem(tools().stemmer, reinterpret_cast<const sb_symbol*>(w.data()),
                                             static_cast<int>(w.size()));
        if (s != nullptr) {
          int n = sb_stemmer_length(tools().stemmer);
          return sink_.term(std::string_view(reinterpret_cast<const char*>(s), static_cast<size_t>(n)),
                            start, end);
        }
      }
    }
    return sink_.term(w, start, end);
  }

  // A run of CJK characters; offsets[i] is the byte offset of character i, offsets[n] the end.
  bool cjk_run(std::string_view text, const std::vector<size_t>& offsets) {
    size_t n = offsets.size() - 1;
    auto piece = [&](size_t i, size_t j) { return text.substr(offsets[i], offsets[j] - offsets[i]); };
    switch (opts_.cjk) {
      case CjkMode::kUniBi:
        for (size_t i = 0; i < n; ++i) {
          if (!sink_.term(piece(i, i + 1), offsets[i], offsets[i + 1])) return false;
          if (i + 1 < n && !sink_.term(piece(i, i + 2), offsets[i], offsets[i + 2])) return false;
        }
        return true;
      case CjkMode::kBigram:
        if (n == 1) return sink_.term(piece(0, 1), offsets[0], offsets[1]);
        for (size_t i = 0; i + 1 < n; ++i)
          if (!sink_.term(piece(i, i + 2), offsets[i], offsets[i + 2])) return false;
        return true;
      case CjkMode::kUnigram:
        for (size_t i = 0; i < n; ++i)
          if (!sink_.term(piece(i, i + 1), offsets[i], offsets[i + 1])) return false;
        return true;
      case CjkMode::kIcuWords: return icu_words(text, offsets, 1);
      case CjkMode::kUniBiIcu: {
        for (size_t i = 0; i < n; ++i) {
          if (!sink_.term(piece(i, i + 1), offsets[i], offsets[i + 1])) return false;
          if (i + 1 < n && !sink_.term(piece(i, i + 2), offsets[i], offsets[i + 2])) return false;
        }
        return n < 3 || icu_words(text, offsets, 3);
      }
    }
    return true;
  }

 private:
  // ICU dictionary words of at least min_chars characters.
  bool icu_words(std::string_view text, const std::vector<size_t>& offsets, size_t min_chars) {
    icu::BreakIterator* bi = tools().word_breaker();
    size_t n = offsets.size() - 1;
    std::string_view run = text.substr(offsets[0], offsets[n] - offsets[0]);
    if (bi == nullptr) return true;
    icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(run.data(), static_cast<int32_t>(run.size())));
    bi->setText(u);
    // Map UTF-16 indexes back to character indexes (each CJK char is 1 or 2 UTF-16 units).
    std::vector<int32_t> u16_to_char(static_cast<size_t>(u.length()) + 1, 0);
    int32_t ci = 0;
    for (int32_t i = 0; i < u.length();) {
      u16_to_char[static_cast<size_t>(i)] = ci;
      i += U16_LENGTH(u.char32At(i));
      ++ci;
    }
    u16_to_char[static_cast<size_t>(u.length())] = ci;
    int32_t prev = bi->first();
    for (int32_t cur = bi->next(); cur != icu::BreakIterator::DONE; prev = cur, cur = bi->next()) {
      size_t a = static_cast<size_t>(u16_to_char[static_cast<size_t>(prev)]);
      size_t b = static_cast<size_t>(u16_to_char[static_cast<size_t>(cur)]);
      if (b <= a || b > n || b - a < min_chars) continue;
      if (!sink_.term(text.substr(offsets[a], offsets[b] - offsets[a]), offsets[a], offsets[b])) return false;
    }
    return true;
  }

  const AnalyzerOptions& opts_;
  TermSink& sink_;
};

}  // namespace

bool is_english_stopword(std::string_view w) {
  if (w.size() > 5) return false;
  for (auto s : kStopwords)
    if (s == w) return true;
  return false;
}

void Analyzer::analyze(std::string_view text, TermSink& sink) const {
  Emitter em(opts_, sink);
  std::string word;
  bool word_ascii = true;
  size_t word_start = 0, word_end = 0;
  std::vector<size_t> cjk;  // byte offsets of the current CJK run's characters
  auto flush_word = [&]() -> bool {
    bool ok = em.word(word, word_ascii, word_start, word_end);
    word.clear();
    word_ascii = true;
    return ok;
  };
  auto flush_cjk = [&](size_t end) -> bool {
    if (cjk.empty()) return true;
    cjk.push_back(end);
    bool ok = em.cjk_run(text, cjk);
    cjk.clear();
    return ok;
  };
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    auto b = static_cast<unsigned char>(text[i]);
    if (b < 128) {
      ++i;
      char f = kAscii.fold[b];
      if (!flush_cjk(start)) return;
      if (f != 0) {
        if (word.empty()) word_start = start;
        word.push_back(f);
        word_end = i;
      } else if (!word.empty() && !flush_word()) {
        return;
      }
      continue;
    }
    char32_t cp = utf8::decode_one(text, i);
    if (is_cjk(cp)) {
      if (!word.empty() && !flush_word()) return;
      cjk.push_back(start);
      continue;
    }
    if (!flush_cjk(start)) return;
    int8_t t = u_charType(static_cast<UChar32>(cp));
    bool mark = t == U_NON_SPACING_MARK || t == U_ENCLOSING_MARK || t == U_COMBINING_SPACING_MARK;
    if (mark && !word.empty()) {  // accents continue the word and are dropped
      word_end = i;
      continue;
    }
    if (cp != utf8::kReplacement && u_isalnum(static_cast<UChar32>(cp))) {
      if (word.empty()) word_start = start;
      size_t before = word.size();
      fold_append(word, cp);
      for (size_t k = before; k < word.size(); ++k)
        if (static_cast<unsigned char>(word[k]) >= 128) word_ascii = false;
      word_end = i;
    } else if (!word.empty() && !flush_word()) {
      return;
    }
  }
  if (!flush_cjk(text.size())) return;
  if (!word.empty()) flush_word();
}

namespace {
struct VectorSink : TermSink {
  std::vector<std::string>* out;
  bool term(std::string_view t, size_t, size_t) override {
    out->emplace_back(t);
    return true;
  }
};
}  // namespace

std::vector<std::string> Analyzer::terms(std::string_view text) const {
  std::vector<std::string> out;
  VectorSink s;
  s.out = &out;
  analyze(text, s);
  return out;
}

std::vector<std::string> drop_question_terms(std::vector<std::string> terms) {
  static constexpr std::string_view kWords[] = {"what", "which", "who", "whom", "whose", "when", "where", "why", "how"};
  static constexpr std::string_view kChars[] = {"什", "么", "麼", "哪", "谁", "誰", "吗", "嗎", "呢", "怎", "何"};
  std::vector<std::string> kept;
  for (auto& t : terms) {
    bool drop = false;
    for (auto w : kWords) drop = drop || t == w;
    if (!drop && static_cast<unsigned char>(t[0]) >= 0x80)
      for (auto c : kChars) drop = drop || t.find(c) != std::string::npos;
    if (!drop) kept.push_back(t);
  }
  return kept.empty() ? terms : kept;
}

namespace {

constexpr EnumName<CjkMode> kCjkModes[] = {{CjkMode::kUniBi, "unibi"},
                                           {CjkMode::kBigram, "bi"},
                                           {CjkMode::kUnigram, "uni"},
                                           {CjkMode::kIcuWords, "icu"},
                                           {CjkMode::kUniBiIcu, "unibi+icu"}};

}  // namespace

Result<CjkMode> parse_cjk_mode(std::string_view s) { return parse_name(kCjkModes, s, "CJK tokenisation"); }
const char* cjk_mode_name(CjkMode m) { return name_of(kCjkModes, m); }

Result<AnalyzerOptions> AnalyzerOptions::parse(const std::vector<std::string>& args) {
  AnalyzerOptions o;
  for (const auto& a : args) {
    auto eq = a.find('=');
    if (eq == std::string::npos) return Error::invalid("analyzer option '" + a + "' is not key=value");
    std::string k = a.substr(0, eq), v = a.substr(eq + 1);
    if (k == "cjk") {
      LS_ASSIGN_OR_RETURN(o.cjk, parse_cjk_mode(v));
    } else if (k == "stem" || k == "stop") {
      if (v != "0" && v != "1") return Error::invalid("analyzer option " + k + " must be 0 or 1, got '" + v + "'");
      (k == "stem" ? o.stem : o.stopwords) = v == "1";
    } else {
      return Error::invalid("unknown analyzer option '" + k + "' (expected cjk, stem, stop)");
    }
  }
  return o;
}

std::vector<std::string> AnalyzerOptions::to_args() const {
  return {std::string("cjk=") + cjk_mode_name(cjk), std::string("stem=") + (stem ? "1" : "0"),
          std::string("stop=") + (stopwords ? "1" : "0")};
}

}  // namespace ls::kb
