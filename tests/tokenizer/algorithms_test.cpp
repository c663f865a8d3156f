// The tokenizer algorithms on small hand-made vocabularies: merge order, pre-tokenizer rules,
// special-token matching, SentencePiece space and byte rules, WordPiece, detokenisation, streaming
// and invalid UTF-8.
#include <gtest/gtest.h>

#include "test_vocabs.h"
#include "tokenizer/pretokenizer.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/wordpiece.h"

namespace ls::tok {
namespace {

using testing::byte_level_vocab;
using testing::spm_vocab;

Tokenizer make(Vocab v) {
  auto t = Tokenizer::create(std::move(v));
  EXPECT_TRUE(t.ok()) << t.error().message;
  return std::move(t).value();
}

std::vector<TokenId> ids(const Tokenizer& t, std::string_view s, bool add_special = false,
                         bool parse_special = false) {
  auto r = t.tokenize(s, {add_special, parse_special});
  EXPECT_TRUE(r.ok());
  return r.ok() ? *r : std::vector<TokenId>{};
}

std::vector<std::string> words(std::string_view pre, std::string_view text) {
  auto p = PreTokenizer::create(pre);
  EXPECT_TRUE(p.ok());
  std::vector<Span> out, scratch;
  p->split(text, out, scratch);
  std::vector<std::string> w;
  for (const Span& s : out) w.emplace_back(text.substr(s.offset, s.length));
  return w;
}

TEST(Bpe, LowestRankMergesFirst) {
  // ids: 256 "ab", 257 "bc", 258 "abc"
  const Tokenizer by_bc = make(byte_level_vocab({"ab", "bc", "abc"}, {"b c", "a b", "ab c"}));
  EXPECT_EQ(ids(by_bc, "abc"), (std::vector<TokenId>{'a', 257}));
  const Tokenizer by_ab = make(byte_level_vocab({"ab", "bc", "abc"}, {"a b", "ab c", "b c"}));
  EXPECT_EQ(ids(by_ab, "abc"), (std::vector<TokenId>{258}));
}

TEST(Bpe, EqualRanksMergeLeftmostFirst) {
  const Tokenizer t = make(byte_level_vocab({"aa", "aaa"}, {"a a", "aa a"}));
  // "aaaa": all three (a,a) pairs tie; the leftmost merges first, leaving (aa,a) rank 1 and
  // (a,a) rank 0 → the right pair merges next → "aa","aa".
  EXPECT_EQ(ids(t, "aaaa"), (std::vector<TokenId>{256, 256}));
  EXPECT_EQ(ids(t, "aaa"), (std::vector<TokenId>{257}));
}

TEST(Bpe, WordsDoNotMergeAcrossPreTokens) {
  const Tokenizer t = make(byte_level_vocab({"a ", " b"}, {"a  ", "  b"}));
  // GPT-2 rule keeps the space with the following word: "a", " b".
  EXPECT_EQ(ids(t, "a b"), (std::vector<TokenId>{'a', 257}));
}

TEST(Bpe, IgnoreMergesEmitsWholeWordToken) {
  // The merges cannot build "xyz", but Llama 3 style vocabularies take a whole-word hit as is.
  Vocab v = byte_level_vocab({"xyz"}, {"x y"}, {}, "llama-bpe");
  EXPECT_TRUE(v.ignore_merges);
  EXPECT_EQ(ids(make(std::move(v)), "xyz"), (std::vector<TokenId>{256}));
  EXPECT_EQ(ids(make(byte_level_vocab({"xyz"}, {"x y"})), "xyz"),
            (std::vector<TokenId>{'x', 'y', 'z'}));
}

TEST(PreTokenizer, Gpt2Rules) {
  EXPECT_EQ(words("gpt-2", "Hello world's  end 42!"),
            (std::vector<std::string>{"Hello", " world", "'s", " ", " end", " 42", "!"}));
}

TEST(PreTokenizer, Llama3GroupsDigitsByThreeAndKeepsNewlines) {
  EXPECT_EQ(words("llama-bpe", "x 1234567\n\nY"),
            (std::vector<std::string>{"x", " ", "123", "456", "7", "\n\n", "Y"}));
  EXPECT_EQ(words("llama-bpe", "I'M"), (std::vector<std::string>{"I", "'M"}));
}

TEST(PreTokenizer, Qwen2SplitsEveryDigit) {
  EXPECT_EQ(words("deepseek-r1-qwen", "ab 123"),
            (std::vector<std::string>{"ab", " ", "1", "2", "3"}));
}

TEST(PreTokenizer, DeepseekLlmRulesRunInSequence) {
  // Line breaks first, then letters (with one leading space), punctuation, trailing spaces, CJK.
  EXPECT_EQ(words("deepseek-llm", "Hi 世界!\n  "),
            (std::vector<std::string>{"Hi", " ", "世界", "!", "\n", "  "}));
}

TEST(PreTokenizer, UnknownNameIsAnErrorListingTheSupportedOnes) {
  auto p = PreTokenizer::create("no-such-pre");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().message.find("deepseek-r1-qwen"), std::string::npos);
  Vocab v;
  EXPECT_FALSE(apply_model_defaults(v, "gpt2", "no-such-pre").ok());
  EXPECT_FALSE(apply_model_defaults(v, "rwkv", "").ok());
}

TEST(SpecialTokens, UserDefinedAlwaysControlOnlyWhenParsing) {
  // ids 256 "<think>" user-defined, 257 "<|im_start|>" control
  const Tokenizer t = make(byte_level_vocab(
      {}, {}, {{"<think>", TokenType::kUserDefined}, {"<|im_start|>", TokenType::kControl}}));
  const auto plain = ids(t, "<think><|im_start|>", false, false);
  ASSERT_FALSE(plain.empty());
  EXPECT_EQ(plain.front(), 256);
  EXPECT_EQ(std::count(plain.begin(), plain.end(), 257), 0);
  EXPECT_EQ(ids(t, "<think><|im_start|>", false, true), (std::vector<TokenId>{256, 257}));
}

TEST(SpecialTokens, LongestTokenWins) {
  const Tokenizer t = make(byte_level_vocab(
      {}, {}, {{"<a>", TokenType::kControl}, {"<a><b>", TokenType::kControl}}));
  EXPECT_EQ(ids(t, "<a><b><a>", false, true), (std::vector<TokenId>{257, 256}));
}

TEST(SpecialTokens, BosEosFollowTheFlags) {
  Vocab v = byte_level_vocab({}, {}, {{"<s>", TokenType::kControl}, {"</s>", TokenType::kControl}});
  v.bos = 256;
  v.eos = 257;
  v.add_bos = true;
  v.add_eos = true;
  const Tokenizer t = make(std::move(v));
  EXPECT_EQ(ids(t, "a", true), (std::vector<TokenId>{256, 'a', 257}));
  EXPECT_EQ(ids(t, "a", false), (std::vector<TokenId>{'a'}));
}

TEST(Spm, SpacePrefixScoresAndByteFallback) {
  // ids: 259 "▁", 260 "a", 261 "b", 262 "▁a", 263 "ab", 264 "▁ab"
  const Tokenizer t = make(spm_vocab(
      {{"▁", -1}, {"a", -2}, {"b", -3}, {"▁a", -4}, {"ab", -1.5f}, {"▁ab", -5}}));
  // "▁ab": ab (-1.5) beats ▁a (-4); then ▁+ab = ▁ab.
  EXPECT_EQ(ids(t, "ab"), (std::vector<TokenId>{264}));
  EXPECT_EQ(ids(t, "ab", true), (std::vector<TokenId>{1, 264}));
  // 'é' is no token: its two UTF-8 bytes become <0xC3> <0xA9>.
  EXPECT_EQ(ids(t, "é"), (std::vector<TokenId>{259, 3 + 0xC3, 3 + 0xA9}));
  // Detokenising drops the space the tokenizer added in front.
  EXPECT_EQ(t.detokenize(ids(t, "ab a")), "ab a");
  EXPECT_EQ(t.detokenize(ids(t, "é")), "é");
}

TEST(Spm, InvalidUtf8IsKeptAsBytes) {
  const Tokenizer t = make(spm_vocab({{"▁", -1}, {"a", -2}}));
  const std::string bad = "a\xFF\xC3";
  EXPECT_EQ(ids(t, bad), (std::vector<TokenId>{259, 260, 3 + 0xFF, 3 + 0xC3}));
  EXPECT_EQ(t.detokenize(ids(t, bad)), bad);
}

TEST(Bpe, InvalidUtf8BecomesReplacementCharacters) {
  const Tokenizer t = make(byte_level_vocab({}, {}));
  // Each maximal invalid subsequence is one U+FFFD (EF BF BD), as util/utf8 defines it.
  EXPECT_EQ(ids(t, "a\xE4\xB8z\xFF"), ids(t, "a\xEF\xBF\xBDz\xEF\xBF\xBD"));
  EXPECT_EQ(t.detokenize(ids(t, "a\xE4\xB8z")), "a\xEF\xBF\xBDz");
}

TEST(WordPiece, BasicTokenizer) {
  EXPECT_EQ(wordpiece_words("Héllo, WORLD!\t你好 a$b"),
            (std::vector<std::string>{"hello", ",", "world", "!", "你", "好", "a", "$", "b"}));
  EXPECT_TRUE(wordpiece_words(" \n\t ").empty());
  // U+0001 and U+200B (control, format) vanish, U+0085 is whitespace, precomposed accents go.
  EXPECT_EQ(wordpiece_words("a\x01" "b\xC2\x85" "c\xE2\x80\x8B" "d \xC3\x89T\xC3\xA9"),
            (std::vector<std::string>{"ab", "cd", "ete"}));
}

TEST(WordPiece, GreedyLongestMatchAndUnknown) {
  Vocab v;
  ASSERT_TRUE(apply_model_defaults(v, "bert", "").ok());
  v.tokens = {"[PAD]", "▁un", "▁unaff", "able", "▁[UNK]", "▁x", "[UNK]", "[CLS]", "[SEP]"};
  v.types = {TokenType::kControl, TokenType::kNormal, TokenType::kNormal, TokenType::kNormal,
             TokenType::kNormal,  TokenType::kNormal, TokenType::kUnknown, TokenType::kControl,
             TokenType::kControl};
  v.unk = 6;
  v.cls = 7;
  v.sep = 8;
  const Tokenizer t = make(std::move(v));
  EXPECT_EQ(ids(t, "unaffable x"), (std::vector<TokenId>{2, 3, 5}));
  EXPECT_EQ(ids(t, "unzip"), (std::vector<TokenId>{6}));
  EXPECT_EQ(ids(t, "x", true), (std::vector<TokenId>{7, 5, 8}));
  EXPECT_EQ(t.detokenize(ids(t, "unaffable x")), " unaffable x");
}

TEST(Detokenize, SpecialTokensRenderedOnlyWhenAsked) {
  Vocab v = byte_level_vocab({}, {}, {{"<s>", TokenType::kControl}, {"<u>", TokenType::kUserDefined}});
  v.bos = 256;
  v.add_bos = true;
  const Tokenizer t = make(std::move(v));
  const std::vector<TokenId> x = {256, 'h', 'i', 257};
  EXPECT_EQ(t.detokenize(x), "hi<u>");
  DetokenizeOptions o;
  o.render_special = true;
  EXPECT_EQ(t.detokenize(x, o), "<s>hi<u>");
  o.remove_special = true;
  EXPECT_EQ(t.detokenize(x, o), "hi<u>");
}

TEST(Detokenize, CleanSpacesOnlyWhenAskedAndTheVocabularyWantsIt) {
  const Tokenizer t = make(byte_level_vocab({}, {}));
  const std::string s = "a , b ' c it 's ok .";
  const auto x = ids(t, s);
  EXPECT_EQ(t.detokenize(x), s);
  DetokenizeOptions o;
  o.clean_spaces = true;
  EXPECT_EQ(t.detokenize(x, o), "a, b'c it's ok.");
}

TEST(StreamDecoder, HoldsBackPartialCharacters) {
  const Tokenizer t = make(byte_level_vocab({}, {}));
  StreamDecoder d(t);
  // "你" = E4 BD A0, one byte token each.
  EXPECT_EQ(d.push(0xE4), "");
  EXPECT_EQ(d.push(0xBD), "");
  EXPECT_EQ(d.push(0xA0), "你");
  EXPECT_EQ(d.push('!'), "!");
  EXPECT_EQ(d.flush(), "");
}

TEST(StreamDecoder, NeverEmitsBrokenUtf8) {
  const Tokenizer t = make(byte_level_vocab({}, {}));
  StreamDecoder d(t);
  EXPECT_EQ(d.push(0xE4), "");
  EXPECT_EQ(d.push('a'), "\xEF\xBF\xBD" "a");  // the held byte can never complete
  EXPECT_EQ(d.push(0xF0), "");
  EXPECT_EQ(d.push(0x9F), "");
  EXPECT_EQ(d.flush(), "\xEF\xBF\xBD");
  EXPECT_EQ(d.push(0xFF), "\xEF\xBF\xBD");
}

TEST(Vocab, SizeMismatchIsAnError) {
  Vocab v = byte_level_vocab({}, {});
  v.types.pop_back();
  auto st = v.finalize();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("token_type"), std::string::npos);
}

TEST(Tokenizer, EmptyText) {
  const Tokenizer t = make(spm_vocab({{"▁", -1}}));
  EXPECT_TRUE(ids(t, "").empty());
  EXPECT_EQ(ids(t, "", true), (std::vector<TokenId>{1}));
}

}  // namespace
}  // namespace ls::tok
