#include "tokenizer/vocab.h"

#include <algorithm>
#include <array>

#include "tokenizer/pretokenizer.h"
#include "util/strings.h"

namespace ls::tok {

namespace {

// Texts llama.cpp treats as end-of-generation or fill-in-the-middle markers: it forces them to
// CONTROL whatever their stored type, so they are never matched as user-defined text.
constexpr std::array<std::string_view, 34> kForcedControl = {
    "<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<end_of_turn>",
    "<|endoftext|>", "<|eom_id|>", "<EOT>", "_<EOT>", "<|end_of_text|>", "<end_of_utterance>",
    "<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<｜fim▁begin｜>", "<PRE>", "▁<PRE>",
    "<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<｜fim▁hole｜>", "<SUF>", "▁<SUF>",
    "<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<｜fim▁end｜>", "<MID>", "▁<MID>",
    "<|fim_pad|>", "<fim_pad>", "<|repo_name|>", "<|file_sep|>"};

}  // namespace

std::vector<TokenId> Vocab::special_tokens_by_length() const {
  std::vector<TokenId> ids;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const TokenType t = types[i];
    if (t == TokenType::kControl || t == TokenType::kUserDefined || t == TokenType::kUnknown) {
      if (!tokens[i].empty()) ids.push_back(static_cast<TokenId>(i));
    }
  }
  std::stable_sort(ids.begin(), ids.end(), [&](TokenId a, TokenId b) {
    return tokens[static_cast<size_t>(a)].size() > tokens[static_cast<size_t>(b)].size();
  });
  return ids;
}

Status apply_model_defaults(Vocab& v, std::string_view model, std::string_view pre) {
  v.model_name = std::string(model);
  v.pre = pre.empty() ? "default" : std::string(pre);
  if (model == "gpt2") {
    v.kind = ModelKind::kBpe;
    v.bos = 11;
    v.eos = 11;
    v.add_space_prefix = false;
    v.clean_spaces = true;
    const PreTokenizerInfo* info = find_pre_tokenizer(v.pre);
    if (info == nullptr) {
      return Error::unsupported("tokenizer.ggml.pre '" + v.pre +
                                "' is not supported; supported: " + supported_pre_tokenizers());
    }
    v.ignore_merges = info->ignore_merges;
    v.clean_spaces = info->clean_spaces;
    v.add_bos = info->add_bos;
    v.nfc = info->nfc;
  } else if (model == "llama") {
    v.kind = ModelKind::kSpm;
    v.bos = 1;
    v.eos = 2;
    v.unk = 0;
    v.add_space_prefix = true;
    v.clean_spaces = true;
    v.add_bos = true;
    v.add_eos = false;
  } else if (model == "bert") {
    v.kind = ModelKind::kWpm;
    v.bos = 101;  // [CLS] serves as BOS
    v.unk = 100;
    v.sep = 102;
    v.pad = 0;
    v.mask = 103;
    v.cls = 101;
    v.add_space_prefix = false;
    v.clean_spaces = true;
    v.add_bos = true;
    v.add_eos = false;
    v.add_sep = true;
  } else {
    return Error::unsupported("tokenizer.ggml.model '" + std::string(model) +
                              "' is not supported; supported: gpt2 (byte-level BPE), llama "
                              "(SentencePiece BPE), bert (WordPiece)");
  }
  return {};
}

Status Vocab::finalize() {
  if (tokens.empty()) return Error::invalid("tokenizer.ggml.tokens is empty");
  if (types.empty()) types.assign(tokens.size(), TokenType::kNormal);
  if (types.size() != tokens.size()) {
    return Error::invalid("tokenizer.ggml.token_type has " + std::to_string(types.size()) +
                          " entries but tokenizer.ggml.tokens has " + std::to_string(tokens.size()));
  }
  if (!scores.empty() && scores.size() != tokens.size()) {
    return Error::invalid("tokenizer.ggml.scores has " + std::to_string(scores.size()) +
                          " entries but tokenizer.ggml.tokens has " + std::to_string(tokens.size()));
  }
  if (scores.empty()) scores.assign(tokens.size(), 0.0f);
  for (auto& t : types) {
    if (static_cast<uint8_t>(t) > 6) t = TokenType::kUndefined;
  }

  index.clear();
  index.reserve(tokens.size());
  max_token_bytes = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    index.set(tokens[i], static_cast<TokenId>(i));
    max_token_bytes = std::max(max_token_bytes, tokens[i].size());
  }

  for (std::string_view text : kForcedControl) {
    const TokenId id = find(text);
    if (id != kNoToken) types[static_cast<size_t>(id)] = TokenType::kControl;
  }

  // Special ids that point outside the vocabulary are dropped (llama.cpp does the same).
  for (TokenId* id : {&bos, &eos, &unk, &sep, &pad, &cls, &mask}) {
    if (*id != kNoToken && !valid(*id)) *id = kNoToken;
  }
  if (kind == ModelKind::kWpm && cls != kNoToken) bos = cls;

  lstrip.assign(tokens.size(), 0);
  rstrip.assign(tokens.size(), 0);
  // Phi-3's added tokens swallow the whitespace to their right (llama.cpp keys this on the name).
  const std::string name = to_lower_ascii(general_name);
  if (name.find("phi-3") != std::string::npos || name.find("phi3") != std::string::npos) {
    for (TokenId id : special_tokens_by_length()) rstrip[static_cast<size_t>(id)] = 1;
    if (TokenId id = find("</s>"); id != kNoToken) rstrip[static_cast<size_t>(id)] = 1;
    for (std::string_view t : {"<unk>", "<s>", "<|endoftext|>"}) {
      if (TokenId id = find(t); id != kNoToken) rstrip[static_cast<size_t>(id)] = 0;
    }
  }
  return {};
}

}  // namespace ls::tok
