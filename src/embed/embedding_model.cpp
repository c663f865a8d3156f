#include "embed/embedding_model.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "model/context.h"
#include "model/linear.h"

namespace ls::embed {
namespace {

using model::Pooling;

// Decoders have long contexts (Qwen3-Embedding: 32k); the KV cache grows to the longest input, so
// the cap bounds memory when nobody asked for more.
constexpr int kDecoderDefaultMaxTokens = 8192;
// Tokens the encoder packs into one pass by default (decoders: model::DecoderPacking).
constexpr int64_t kEncoderBatchTokens = 4096;

// Qwen3-Reranker's prompt (its model card), used when the file carries no rerank template.
constexpr std::string_view kQwen3RerankTemplate =
    "<|im_start|>system\nJudge whether the Document meets the requirements based on the Query and the Instruct "
    "provided. Note that the answer can only be \"yes\" or \"no\".<|im_end|>\n<|im_start|>user\n<Instruct>: Given a "
    "web search query, retrieve relevant passages that answer the query\n<Query>: {query}\n<Document>: "
    "{document}<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n";

uint64_t fnv(uint64_t h, const void* data, size_t n) {
  const auto* p = static_cast<const uint8_t*>(data);
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 0x100000001b3ull;
  return h;
}

// Shapes, types and a sample of every tensor's bytes: a re-quantised or retrained file under the
// same name gets a different id, so stored vectors are known to be stale.
std::string digest_id(const gguf::File& f) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (const gguf::TensorInfo& t : f.tensors()) {
    h = fnv(h, t.name.data(), t.name.size());
    h = fnv(h, &t.type, sizeof(t.type));
    h = fnv(h, t.ne.data(), t.ne.size() * sizeof(int64_t));
    h = fnv(h, t.data, static_cast<size_t>(std::min<uint64_t>(t.nbytes, 256)));
  }
  std::string stem = std::filesystem::path(f.path()).stem().string();
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(h));
  return stem + ":" + std::string(hex, 12);
}

Result<model::Matrix> head_matrix(const gguf::File& f, const std::string& name, int64_t cols) {
  const gguf::TensorInfo* t = f.find_tensor(name);
  if (t == nullptr) return model::Matrix{};
  const int64_t rows = t->ne.size() == 2 ? t->ne[1] : 1;
  if (t->ne.empty() || t->ne.size() > 2 || t->ne[0] != cols || rows < 1 || rows > 4096) {
    return Error::invalid(f.path() + ": tensor '" + name + "' has the wrong shape (expected [" + std::to_string(cols) +
                          ", n])");
  }
  if (!model::linear_supports(t->type)) {
    return Error::unsupported(f.path() + ": tensor '" + name + "' has unsupported type " +
                              std::string(gguf::type_name(t->type)));
  }
  return model::Matrix{t->type, t->data, cols, rows, t->nbytes / static_cast<uint64_t>(rows)};
}

float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

// Calls fn(first, count) for runs of consecutive sequences of at most `budget` tokens together
// (at least one sequence per run): the packs one encoder forward pass takes.
template <class F>
Status for_each_pack(const std::vector<std::vector<int32_t>>& seqs, int64_t budget, F&& fn) {
  for (size_t i = 0; i < seqs.size();) {
    size_t j = i;
    int64_t tokens = 0;
    while (j < seqs.size() && (j == i || tokens + static_cast<int64_t>(seqs[j].size()) <= budget)) {
      tokens += static_cast<int64_t>(seqs[j].size());
      ++j;
    }
    LS_TRY(fn(i, j - i));
    i = j;
  }
  return {};
}

}  // namespace

EmbeddingModel::~EmbeddingModel() = default;

Result<std::unique_ptr<EmbeddingModel>> EmbeddingModel::load(const std::string& path, const LoadOptions& opts) {
  LS_ASSIGN_OR_RETURN(gguf::File file, gguf::File::open(path));
  std::unique_ptr<EmbeddingModel> m(new EmbeddingModel());
  m->path_ = path;
  m->arch_ = file.architecture();
  m->model_id_ = digest_id(file);
  m->batch_tokens_ = opts.batch_tokens > 0 ? opts.batch_tokens : kEncoderBatchTokens;
  LS_ASSIGN_OR_RETURN(tok::Tokenizer tok, tok::Tokenizer::from_gguf(file));
  m->tok_.emplace(std::move(tok));
  LS_ASSIGN_OR_RETURN(Pooling file_pooling, model::read_pooling(file, m->arch_, Pooling::kNone));
  m->pooling_ = opts.pooling.value_or(file_pooling);
  if (m->pooling_ == Pooling::kNone) {
    return Error::invalid(path + ": the model has no pooling type (key " + m->arch_ +
                          ".pooling_type), so it gives no vector per text; it may not be an embedding model, or "
                          "choose one with --pooling mean|cls|last");
  }
  const int n_threads = opts.n_threads > 0 ? opts.n_threads : model::available_cpus();
  if (n_threads > 1) m->pool_ = std::make_unique<ThreadPool>(n_threads);

  if (model::EncoderModel::handles(m->arch_)) {
    auto em = model::EncoderModel::from_file(std::move(file));
    if (!em.ok()) return em.error();
    const model::EncoderHParams& hp = (*em)->hparams();
    if (m->pooling_ == Pooling::kLast) {
      return Error::unsupported(path + ": pooling 'last' is for decoders; a bert model takes mean, cls or rank");
    }
    if (m->pooling_ == Pooling::kRank && hp.n_cls_out == 0) {
      return Error::invalid(path + ": pooling 'rank' needs a classification head (cls.output.weight)");
    }
    m->dimension_ = m->pooling_ == Pooling::kRank ? hp.n_cls_out : hp.n_embd;
    m->max_tokens_ = opts.max_tokens > 0 ? std::min(opts.max_tokens, hp.n_ctx_train) : hp.n_ctx_train;
    m->encoder_ = std::make_unique<model::Encoder>(std::move(*em), m->pool_.get());
    return m;
  }

  LS_ASSIGN_OR_RETURN(std::string rerank_template, file.get_string_or("tokenizer.chat_template.rerank", ""));
  LS_ASSIGN_OR_RETURN(std::vector<std::string> labels,
                      file.find(m->arch_ + ".classifier.output_labels") != nullptr
                          ? file.get_string_array(m->arch_ + ".classifier.output_labels")
                          : Result<std::vector<std::string>>(std::vector<std::string>{}));
  auto dm = model::Model::from_file(std::move(file));
  if (!dm.ok()) return dm.error();
  const model::HParams& hp = (*dm)->hparams();
  m->max_tokens_ = std::min(opts.max_tokens > 0 ? opts.max_tokens : kDecoderDefaultMaxTokens, hp.n_ctx_train);
  m->dimension_ = hp.n_embd;
  if (m->pooling_ == Pooling::kRank) {
    // Qwen3-Reranker: the answer's "yes" against "no" at the last position, either as a converted
    // head (cls.output rows, labels in <arch>.classifier.output_labels) or from the LM head itself.
    LS_ASSIGN_OR_RETURN(m->cls_out_, head_matrix((*dm)->file(), "cls.output.weight", hp.n_embd));
    if (m->cls_out_.present()) {
      const auto it = std::find(labels.begin(), labels.end(), "yes");
      m->yes_index_ = it == labels.end() ? 0 : static_cast<int>(it - labels.begin());
      if (m->yes_index_ >= m->cls_out_.rows) m->yes_index_ = 0;
    } else {
      for (const char* word : {"yes", "no"}) {
        tok::TokenizeOptions o;
        o.add_special = false;
        o.parse_special = false;
        LS_ASSIGN_OR_RETURN(std::vector<tok::TokenId> ids, m->tok_->tokenize(word, o));
        if (ids.size() != 1) {
          return Error::invalid(path + ": a decoder reranker needs single tokens for \"yes\" and \"no\" (or a "
                                "cls.output.weight head); \"" + std::string(word) + "\" is " +
                                std::to_string(ids.size()) + " tokens");
        }
        m->yes_no_rows_.push_back(ids[0]);
      }
    }
    m->rerank_template_ = rerank_template.empty() ? std::string(kQwen3RerankTemplate) : rerank_template;
    m->dimension_ = 1;
  }
  model::DecoderPacking packing;
  if (opts.batch_tokens > 0) packing.step_rows = opts.batch_tokens;
  m->decoder_ = std::make_unique<model::DecoderEmbedding>(std::move(*dm), m->pool_.get(), m->max_tokens_, packing);
  return m;
}

Status EmbeddingModel::tokenize_into(std::string_view text, bool parse_special, std::vector<int32_t>& out) const {
  tok::TokenizeOptions o;
  o.add_special = false;
  o.parse_special = parse_special;
  return tok_->tokenize(text, o, out);
}

Result<std::vector<int32_t>> EmbeddingModel::tokenize(std::string_view text, bool truncate) const {
  tok::TokenizeOptions o;
  o.parse_special = false;  // user text: "[SEP]" or "<|endoftext|>" written in it is plain text
  LS_ASSIGN_OR_RETURN(std::vector<tok::TokenId> ids, tok_->tokenize(text, o));
  if (ids.empty()) {
    return Error::invalid("the text gives no tokens and the model adds none; nothing to embed");
  }
  if (static_cast<int64_t>(ids.size()) > max_tokens_) {
    if (!truncate) {
      return Error::limit("the input has " + std::to_string(ids.size()) + " tokens but the model takes at most " +
                          std::to_string(max_tokens_));
    }
    // Keep a closing [SEP]/EOS: pooling over [CLS] … [SEP] is what the model was trained on.
    const tok::Vocab& v = tok_->vocab();
    const tok::TokenId last = ids.back();
    const bool closing = (v.add_sep && last == v.sep) || (v.add_eos && last == v.eos);
    ids.resize(static_cast<size_t>(max_tokens_));
    if (closing) ids.back() = last;
  }
  return ids;
}

Result<std::vector<std::vector<float>>> EmbeddingModel::embed_tokens(const std::vector<std::vector<int32_t>>& seqs) {
  if (is_reranker()) return Error::invalid(path_ + " is a reranker (pooling rank); it scores pairs, it does not embed");
  for (size_t i = 0; i < seqs.size(); ++i) {
    if (seqs[i].empty()) return Error::invalid("input " + std::to_string(i) + " has no tokens");
    if (static_cast<int64_t>(seqs[i].size()) > max_tokens_) {
      return Error::limit("input " + std::to_string(i) + " has " + std::to_string(seqs[i].size()) +
                          " tokens but the model takes at most " + std::to_string(max_tokens_));
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::vector<float>> out;
  out.reserve(seqs.size());
  if (decoder_) return decoder_->pooled_many(seqs, pooling_);
  LS_TRY(for_each_pack(seqs, batch_tokens_, [&](size_t first, size_t n) -> Status {
    LS_ASSIGN_OR_RETURN(auto part, encoder_->pooled(std::span(seqs).subspan(first, n), pooling_));
    for (auto& v : part) out.push_back(std::move(v));
    return {};
  }));
  return out;
}

Result<std::vector<int32_t>> EmbeddingModel::pair_tokens(std::string_view query, std::string_view document) const {
  if (!is_reranker()) return Error::invalid(path_ + " is not a reranker (its pooling is not rank)");
  std::vector<int32_t> ids;
  const tok::Vocab& v = tok_->vocab();
  if (decoder_) {
    // The template's own text may hold control tokens; the query and document never do.
    if (v.add_bos && v.bos != tok::kNoToken) ids.push_back(v.bos);
    std::string_view rest = rerank_template_;
    while (!rest.empty()) {
      const size_t q = rest.find("{query}"), d = rest.find("{document}");
      const size_t at = std::min(q, d);
      LS_TRY(tokenize_into(rest.substr(0, at), true, ids));
      if (at == std::string_view::npos) break;
      LS_TRY(tokenize_into(at == q ? query : document, false, ids));
      rest.remove_prefix(at + (at == q ? 7 : 10));
    }
  } else {
    // [CLS] query [EOS] [SEP] document [EOS], each special only when the vocabulary has it — the
    // pair llama.cpp's rerankers are fed (no trailing [SEP] for BERT vocabularies).
    const tok::TokenId first = v.bos != tok::kNoToken ? v.bos : v.cls;
    if (first != tok::kNoToken) ids.push_back(first);
    LS_TRY(tokenize_into(query, false, ids));
    if (v.eos != tok::kNoToken) ids.push_back(v.eos);
    if (v.sep != tok::kNoToken) ids.push_back(v.sep);
    LS_TRY(tokenize_into(document, false, ids));
    if (v.eos != tok::kNoToken) ids.push_back(v.eos);
  }
  if (static_cast<int64_t>(ids.size()) > max_tokens_) {
    // The document's tail goes first: the query and the template's frame must stay whole, so a
    // decoder's prompt suffix would be lost here — better an error than a silently wrong score.
    if (decoder_) {
      return Error::limit("the query and document need " + std::to_string(ids.size()) +
                          " tokens but the reranker takes at most " + std::to_string(max_tokens_));
    }
    const tok::TokenId last = ids.back();
    ids.resize(static_cast<size_t>(max_tokens_));
    if (v.eos != tok::kNoToken && last == v.eos) ids.back() = last;
  }
  return ids;
}

Result<float> EmbeddingModel::rank_decoder(std::span<const float> h, bool raw_logits) {
  if (cls_out_.present()) {
    std::vector<float> logits(static_cast<size_t>(cls_out_.rows));
    model::LinearContext lc;
    lc.scratch.reserve(model::linear_scratch_bytes(cls_out_.cols, 1));
    model::linear(cls_out_, h.data(), 1, logits.data(), lc);
    if (logits.size() == 1) return raw_logits ? logits[0] : sigmoid(logits[0]);
    // Softmax over the labels; the score is the probability of "yes".
    const float mx = *std::max_element(logits.begin(), logits.end());
    double sum = 0;
    for (float l : logits) sum += std::exp(static_cast<double>(l - mx));
    const double p = std::exp(static_cast<double>(logits[static_cast<size_t>(yes_index_)] - mx)) / sum;
    if (!raw_logits) return static_cast<float>(p);
    return static_cast<float>(std::log(p / std::max(1e-300, 1.0 - p)));
  }
  LS_ASSIGN_OR_RETURN(std::vector<float> yn, decoder_->vocab_logits(h, yes_no_rows_));
  const float logit = yn[0] - yn[1];  // log P(yes)/P(no) over the two answers
  return raw_logits ? logit : sigmoid(logit);
}

Result<std::vector<float>> EmbeddingModel::rank(std::string_view query, const std::vector<std::string>& documents,
                                                bool raw_logits, int64_t* n_tokens) {
  if (!is_reranker()) return Error::invalid(path_ + " is not a reranker (its pooling is not rank)");
  std::vector<std::vector<int32_t>> seqs;
  int64_t total = 0;
  for (const std::string& d : documents) {
    LS_ASSIGN_OR_RETURN(std::vector<int32_t> ids, pair_tokens(query, d));
    total += static_cast<int64_t>(ids.size());
    seqs.push_back(std::move(ids));
  }
  if (n_tokens != nullptr) *n_tokens = total;
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<float> scores;
  scores.reserve(documents.size());
  if (decoder_) {
    // All pairs packed into shared forward passes; the head reads each pair's last hidden state.
    LS_ASSIGN_OR_RETURN(auto hidden, decoder_->pooled_many(seqs, Pooling::kLast));
    for (const auto& h : hidden) {
      LS_ASSIGN_OR_RETURN(float sc, rank_decoder(h, raw_logits));
      scores.push_back(sc);
    }
    return scores;
  }
  LS_TRY(for_each_pack(seqs, batch_tokens_, [&](size_t first, size_t n) -> Status {
    LS_ASSIGN_OR_RETURN(auto part, encoder_->pooled(std::span(seqs).subspan(first, n), Pooling::kRank));
    for (const auto& v : part) scores.push_back(raw_logits ? v[0] : sigmoid(v[0]));
    return {};
  }));
  return scores;
}

}  // namespace ls::embed
