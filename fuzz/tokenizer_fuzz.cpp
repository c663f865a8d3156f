// libFuzzer target: tokenizing arbitrary bytes (any flags) must never crash and must give valid
// ids; where a vocabulary is lossless, detokenize(tokenize(x)) must give x back (SentencePiece:
// exactly but for '▁' (its space character); byte-level BPE: x with invalid UTF-8 replaced by U+FFFD), and the streaming decoder's
// chunks must add up to the tokens' pieces.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "tokenizer/tokenizer.h"
#include "util/utf8.h"

namespace {

using namespace ls::tok;

void check(bool ok) {
  if (!ok) std::abort();
}

struct Loaded {
  std::unique_ptr<Tokenizer> gpt2, spm, bert, qwen;
};

std::unique_ptr<Tokenizer> load(const std::string& dir, const char* name) {
  auto t = Tokenizer::open(dir + "/vocab/" + name);
  if (!t.ok()) {
    std::fprintf(stderr, "tokenizer_fuzz: %s\n", t.error().message.c_str());
    std::abort();
  }
  return std::make_unique<Tokenizer>(std::move(t).value());
}

const Loaded& tokenizers() {
  static const Loaded l = [] {
    const char* env = std::getenv("LOCALSEEK_SHARED");
    const std::string dir = env != nullptr && *env != '\0' ? env : LOCALSEEK_SHARED_DIR_DEFAULT;
    return Loaded{load(dir, "ggml-vocab-gpt-2.gguf"), load(dir, "ggml-vocab-llama-spm.gguf"),
                  load(dir, "ggml-vocab-bert-bge.gguf"),
                  load(dir, "ggml-vocab-deepseek-r1-qwen.gguf")};
  }();
  return l;
}

std::vector<TokenId> ids_of(const Tokenizer& t, std::string_view x, bool add, bool parse) {
  auto r = t.tokenize(x, {add, parse});
  check(r.ok());
  for (TokenId id : *r) check(t.vocab().valid(id));
  return std::move(r).value();
}

void check_stream(const Tokenizer& t, const std::vector<TokenId>& ids) {
  StreamDecoder d(t, true);
  std::string streamed;
  for (TokenId id : ids) {
    const std::string chunk = d.push(id);
    check(ls::utf8::is_valid(chunk));
    streamed += chunk;
  }
  streamed += d.flush();
  std::string pieces;  // the stream keeps SentencePiece's leading space, detokenize() drops it
  for (TokenId id : ids) pieces += t.piece(id, true);
  check(streamed == ls::utf8::sanitize(pieces));
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)tokenizers();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const Loaded& l = tokenizers();
  const uint8_t flags = data[0];
  const std::string_view x(reinterpret_cast<const char*>(data + 1), size - 1);
  const bool add = (flags & 1) != 0, parse = (flags & 2) != 0;

  check(l.gpt2->detokenize(ids_of(*l.gpt2, x, false, false)) == ls::utf8::sanitize(x));
  // SentencePiece spells a space '▁', so a '▁' in the text comes back as a space.
  std::string spm_x(x);
  for (size_t p = spm_x.find("\xE2\x96\x81"); p != std::string::npos; p = spm_x.find("\xE2\x96\x81", p)) {
    spm_x.replace(p, 3, " ");
  }
  check(l.spm->detokenize(ids_of(*l.spm, x, false, false)) == spm_x);
  for (const Tokenizer* t : {l.gpt2.get(), l.spm.get(), l.bert.get(), l.qwen.get()}) {
    check_stream(*t, ids_of(*t, x, add, parse));
  }
  return 0;
}
