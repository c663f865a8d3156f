#include "tokenizer/tokenizer.h"

#include <unicode/normalizer2.h>
#include <unicode/stringpiece.h>

#include <cctype>
#include <cstdio>

#include "gguf/gguf_file.h"
#include "tokenizer/bpe.h"
#include "tokenizer/byte_unicode.h"
#include "tokenizer/pretokenizer.h"
#include "tokenizer/spm.h"
#include "tokenizer/word_cache.h"
#include "tokenizer/wordpiece.h"
#include "util/utf8.h"

namespace ls::tok {
namespace {

struct Fragment {
  TokenId token;  // kNoToken for raw text
  size_t offset;
  size_t length;
};

bool is_c_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

}  // namespace

struct Tokenizer::Impl {
  Vocab vocab;
  std::vector<TokenId> specials;  // longest text first
  std::vector<std::string> pieces;
  std::vector<uint8_t> hidden;  // control/unknown/unused: not rendered unless asked (unused never)
  std::unique_ptr<PreTokenizer> pre;
  std::unique_ptr<BpeModel> bpe;
  std::unique_ptr<SpmModel> spm;
  std::unique_ptr<WordPieceModel> wpm;
  std::unique_ptr<WordCache> cache = std::make_unique<WordCache>();

  void partition(std::string_view text, bool parse_special, std::vector<Fragment>& frags) const;
  void encode_bpe(std::string_view text, bool normalize_nfc, std::vector<TokenId>& out) const;
};

Tokenizer::Tokenizer() : impl_(std::make_unique<Impl>()) {}
Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;
Tokenizer& Tokenizer::operator=(Tokenizer&&) noexcept = default;
Tokenizer::~Tokenizer() = default;

const Vocab& Tokenizer::vocab() const { return impl_->vocab; }

Result<Tokenizer> Tokenizer::create(Vocab vocab) {
  if (vocab.index.empty()) LS_TRY(vocab.finalize());
  Tokenizer t;
  Impl& m = *t.impl_;
  m.vocab = std::move(vocab);
  const Vocab& v = m.vocab;
  m.specials = v.special_tokens_by_length();
  switch (v.kind) {
    case ModelKind::kBpe: {
      LS_ASSIGN_OR_RETURN(PreTokenizer p, PreTokenizer::create(v.pre));
      m.pre = std::make_unique<PreTokenizer>(std::move(p));
      m.bpe = std::make_unique<BpeModel>(v);
      break;
    }
    case ModelKind::kSpm:
      m.spm = std::make_unique<SpmModel>(v);
      break;
    case ModelKind::kWpm:
      m.wpm = std::make_unique<WordPieceModel>(v);
      break;
  }

  m.pieces.resize(v.size());
  m.hidden.assign(v.size(), 0);
  for (size_t i = 0; i < v.size(); ++i) {
    const std::string& text = v.tokens[i];
    std::string& piece = m.pieces[i];
    switch (v.types[i]) {
      case TokenType::kControl:
      case TokenType::kUnknown:
        m.hidden[i] = 1;
        piece = text;
        break;
      case TokenType::kUserDefined:
        piece = text;
        break;
      case TokenType::kNormal:
        if (v.kind == ModelKind::kBpe) {
          auto raw = decode_byte_level(text);
          piece = raw ? std::move(*raw) : text;
        } else {
          for (size_t k = 0; k < text.size(); ++k) {
            if (text.compare(k, 3, "\xE2\x96\x81") == 0) {
              piece.push_back(' ');
              k += 2;
            } else {
              piece.push_back(text[k]);
            }
          }
        }
        break;
      case TokenType::kByte: {
        unsigned b = 0;
        if (v.kind != ModelKind::kBpe && text.size() == 6 &&
            std::sscanf(text.c_str(), "<0x%02X>", &b) == 1) {
          piece.assign(1, static_cast<char>(b));
        }
        break;
      }
      case TokenType::kUnused:
      case TokenType::kUndefined:
        m.hidden[i] = 2;  // never rendered
        break;
    }
  }
  return t;
}

void Tokenizer::Impl::partition(std::string_view text, bool parse_special,
                                std::vector<Fragment>& frags) const {
  frags.clear();
  if (text.empty()) return;
  frags.push_back({kNoToken, 0, text.size()});
  std::vector<Fragment> next;
  for (TokenId id : specials) {
    const auto idx = static_cast<size_t>(id);
    const TokenType type = vocab.types[idx];
    // Without parse_special only user-defined tokens are matched in text.
    if (!parse_special && type != TokenType::kUserDefined) continue;
    const std::string& st = vocab.tokens[idx];
    bool any = false;
    for (const Fragment& f : frags) {
      if (f.token == kNoToken && std::string_view(text.data() + f.offset, f.length).find(st) !=
                                     std::string_view::npos) {
        any = true;
        break;
      }
    }
    if (!any) continue;
    next.clear();
    for (const Fragment& f : frags) {
      if (f.token != kNoToken) {
        next.push_back(f);
        continue;
      }
      size_t off = f.offset;
      size_t len = f.length;
      while (len > 0) {
        const size_t m = std::string_view(text.data() + off, len).find(st);
        if (m == std::string_view::npos) {
          next.push_back({kNoToken, off, len});
          break;
        }
        size_t left_len = m;
        if (vocab.lstrip[idx]) {
          while (left_len > 0 && is_c_space(text[off + left_len - 1])) --left_len;
        }
        if (left_len > 0) next.push_back({kNoToken, off, left_len});
        next.push_back({id, 0, 0});
        size_t right_off = off + m + st.size();
        size_t right_len = len - m - st.size();
        if (vocab.rstrip[idx]) {
          while (right_len > 0 && is_c_space(text[right_off])) {
            ++right_off;
            --right_len;
          }
        }
        off = right_off;
        len = right_len;
      }
    }
    frags.swap(next);
  }
}

void Tokenizer::Impl::encode_bpe(std::string_view text, bool normalize_nfc,
                                 std::vector<TokenId>& out) const {
  // Byte-level BPE needs valid UTF-8 for the regexes: invalid sequences become U+FFFD.
  std::string owned;
  if (!utf8::is_valid(text)) {
    owned = utf8::sanitize(text);
    text = owned;
  }
  if (normalize_nfc && vocab.nfc) {
    bool ascii = true;
    for (char c : text) {
      if (static_cast<unsigned char>(c) >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (!ascii) {
      UErrorCode st = U_ZERO_ERROR;
      const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(st);
      const icu::StringPiece sp(text.data(), static_cast<int32_t>(text.size()));
      if (U_SUCCESS(st) && !nfc->isNormalizedUTF8(sp, st) && U_SUCCESS(st)) {
        std::string normalized;
        icu::StringByteSink<std::string> sink(&normalized, static_cast<int32_t>(text.size()));
        nfc->normalizeUTF8(0, sp, sink, nullptr, st);
        if (U_SUCCESS(st)) {
          owned = std::move(normalized);
          text = owned;
        }
      }
    }
  }
  thread_local std::vector<Span> words, scratch;
  pre->split(text, words, scratch);
  for (const Span& w : words) {
    const std::string_view word = text.substr(w.offset, w.length);
    if (word.size() > WordCache::kMaxWordBytes) {
      bpe->encode_word(word, out);
      continue;
    }
    const uint64_t h = hash_bytes(word);
    if (cache->lookup(word, h, out)) continue;
    const size_t before = out.size();
    bpe->encode_word(word, out);
    cache->store(word, out.data() + before, out.size() - before);
  }
}

Result<std::vector<TokenId>> Tokenizer::tokenize(std::string_view text,
                                                 const TokenizeOptions& opts) const {
  std::vector<TokenId> out;
  LS_TRY(tokenize(text, opts, out));
  return out;
}

Status Tokenizer::tokenize(std::string_view text, const TokenizeOptions& opts,
                           std::vector<TokenId>& out) const {
  if (text.size() > kMaxTokenizeBytes) {
    return Error::limit("text of " + std::to_string(text.size()) +
                        " bytes is larger than the tokenizer limit of " +
                        std::to_string(kMaxTokenizeBytes) + " bytes per call");
  }
  const Impl& m = *impl_;
  const Vocab& v = m.vocab;
  std::vector<Fragment> frags;
  m.partition(text, opts.parse_special, frags);

  if (opts.add_special && v.add_bos && v.bos != kNoToken) out.push_back(v.bos);
  bool prev_special = true;  // SPM: text at the start or after a special token gets a space
  for (const Fragment& f : frags) {
    if (f.token != kNoToken) {
      out.push_back(f.token);
      prev_special = true;
      continue;
    }
    const std::string_view piece = text.substr(f.offset, f.length);
    switch (v.kind) {
      case ModelKind::kBpe:
        m.encode_bpe(piece, opts.normalize_nfc, out);
        break;
      case ModelKind::kSpm: {
        std::string s;
        if (v.add_space_prefix && prev_special) s.push_back(' ');
        s.append(piece);
        m.spm->encode(escape_spaces(s), out, m.cache.get());
        break;
      }
      case ModelKind::kWpm:
        m.wpm->encode(piece, out);
        break;
    }
    prev_special = false;
  }
  if (opts.add_special) {
    if (v.add_eos && v.eos != kNoToken) out.push_back(v.eos);
    if (v.kind == ModelKind::kWpm && v.add_sep && v.sep != kNoToken) out.push_back(v.sep);
  }
  return {};
}

bool Tokenizer::is_special(TokenId id) const {
  return impl_->vocab.valid(id) && impl_->hidden[static_cast<size_t>(id)] != 0;
}

std::string_view Tokenizer::piece(TokenId id, bool render_special) const {
  const Impl& m = *impl_;
  if (!m.vocab.valid(id)) return {};
  const auto i = static_cast<size_t>(id);
  if (m.hidden[i] == 2 || (m.hidden[i] == 1 && !render_special)) return {};
  return m.pieces[i];
}

namespace {

// llama.cpp's detokenizer clean-up for vocabularies that ask for it: " ?" " !" " ." " ," lose
// their space, " ' " becomes "'", and " 's" " 'm" " 're" " 've" join the previous word.
std::string clean_up_spaces(const std::string& in) {
  std::string a;
  a.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const char x = in[i];
    if (i > 0 && in[i - 1] == ' ' && (x == '?' || x == '!' || x == '.' || x == ',')) a.pop_back();
    a.push_back(x);
  }
  std::string b;
  b.reserve(a.size());
  for (size_t i = 0; i < a.size(); ++i) {
    const char x = a[i];
    if (i > 0 && x == '\'' && i + 1 < a.size() && a[i - 1] == ' ' && a[i + 1] == ' ') {
      b.pop_back();
      b.push_back(x);
      ++i;  // the space after it goes too
      continue;
    }
    b.push_back(x);
  }
  std::string c;
  c.reserve(b.size());
  for (size_t i = 0; i < b.size(); ++i) {
    const char x = b[i];
    if (i > 0 && b[i - 1] == ' ' && x == '\'' && i + 1 < b.size()) {
      const char x1 = b[i + 1];
      const char x2 = i + 2 < b.size() ? b[i + 2] : '\0';
      if (x1 == 's' || x1 == 'm' || (x1 == 'r' && x2 == 'e') || (x1 == 'v' && x2 == 'e')) {
        c.pop_back();
      }
    }
    c.push_back(x);
  }
  return c;
}

}  // namespace

std::string Tokenizer::detokenize(std::span<const TokenId> ids,
                                  const DetokenizeOptions& opts) const {
  const Vocab& v = impl_->vocab;
  bool remove_space = v.add_space_prefix;
  if (opts.remove_special && v.add_bos && !ids.empty() && ids.front() == v.bos) {
    remove_space = false;
    ids = ids.subspan(1);
  }
  if (opts.remove_special && v.add_eos && !ids.empty() && ids.back() == v.eos) {
    ids = ids.subspan(0, ids.size() - 1);
  }
  std::string out;
  for (TokenId id : ids) {
    std::string_view p = piece(id, opts.render_special);
    if (remove_space && !p.empty() && p.front() == ' ') p.remove_prefix(1);
    remove_space = false;
    out.append(p);
  }
  if (opts.clean_spaces && v.clean_spaces) out = clean_up_spaces(out);
  return out;
}

std::string StreamDecoder::push(TokenId id) {
  pending_.append(tok_->piece(id, render_special_));
  const size_t keep = utf8::incomplete_suffix_length(pending_);
  std::string ready = utf8::sanitize(std::string_view(pending_).substr(0, pending_.size() - keep));
  pending_.erase(0, pending_.size() - keep);
  return ready;
}

std::string StreamDecoder::flush() {
  std::string rest = utf8::sanitize(pending_);
  pending_.clear();
  return rest;
}

}  // namespace ls::tok

namespace ls::tok {

Result<Tokenizer> Tokenizer::from_gguf(const gguf::File& file) {
  LS_ASSIGN_OR_RETURN(Vocab v, Vocab::from_gguf(file));
  return create(std::move(v));
}

Result<Tokenizer> Tokenizer::open(const std::string& gguf_path) {
  LS_ASSIGN_OR_RETURN(gguf::File f, gguf::File::open(gguf_path));
  return from_gguf(f);
}

}  // namespace ls::tok
