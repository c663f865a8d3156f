#include "kb/knowledge_base.h"

#include <algorithm>
#include <filesystem>

#include "kb/cron.h"
#include "kb/fusion.h"
#include "kb/input_source.h"

namespace ls::kb {

Result<std::unique_ptr<KnowledgeBase>> KnowledgeBase::open(const std::string& data_dir, DenseOptions dense) {
  std::unique_ptr<KnowledgeBase> kb(new KnowledgeBase);
  LS_ASSIGN_OR_RETURN(kb->store_, SqliteStore::open(data_dir));
  kb->retriever_ = std::make_unique<Bm25Retriever>(*kb->store_);
  if (dense.index_dir.empty()) dense.index_dir = data_dir + "/vectors";
  kb->dense_ = std::make_unique<DenseRetriever>(*kb->store_, std::move(dense));
  return kb;
}

Result<Collection> KnowledgeBase::create_collection(const std::string& name, const CollectionConfig& config) {
  LS_ASSIGN_OR_RETURN(Collection c, store_->create_collection(name, config));
  if (embedder_) LS_TRY(store_->set_vector_model(name, embedder_->model_id(), embedder_->dimension()));
  return c;
}

Status KnowledgeBase::delete_collection(const std::string& name) {
  LS_ASSIGN_OR_RETURN(Collection c, store_->get_collection(name));
  LS_TRY(store_->delete_collection(name));
  dense_->forget(c);
  return {};
}

Status KnowledgeBase::embed_batch(const std::string& collection, std::vector<DocumentInput>& batch,
                                  std::vector<std::string>* warnings) {
  if (!embedder_ || batch.empty()) return {};
  LS_ASSIGN_OR_RETURN(std::optional<VectorSpace> space, store_->vector_space(collection));
  if (!space) return {};
  const std::string model = embedder_->model_id();
  if (space->model != model || space->dimension != embedder_->dimension()) {
    if (warnings != nullptr && warnings->empty())
      warnings->push_back("collection '" + collection + "' uses embedding model '" + space->model +
                          "', not the loaded '" + model + "': chunks stored without vectors (run `localseek kb embed " +
                          collection + "`)");
    return {};
  }
  std::vector<std::string> ids;
  for (const auto& d : batch) ids.push_back(d.id);
  LS_ASSIGN_OR_RETURN(auto stored, store_->content_hashes(collection, ids));
  // Unchanged documents keep their stored chunks and vectors: nothing to embed.
  std::vector<std::pair<size_t, size_t>> where;
  std::vector<std::string> texts;
  for (size_t i = 0; i < batch.size(); ++i) {
    auto it = stored.find(batch[i].id);
    if (it != stored.end() && it->second == batch[i].content_hash) continue;
    for (size_t j = 0; j < batch[i].chunks.size(); ++j) {
      const ChunkInput& ch = batch[i].chunks[j];
      where.emplace_back(i, j);
      texts.push_back(embedding_text(batch[i].title, ch.heading_path, ch.text));
    }
  }
  constexpr size_t kPerCall = 32;
  for (size_t at = 0; at < texts.size(); at += kPerCall) {
    std::vector<std::string> part(texts.begin() + static_cast<std::ptrdiff_t>(at),
                                  texts.begin() + static_cast<std::ptrdiff_t>(std::min(texts.size(), at + kPerCall)));
    LS_ASSIGN_OR_RETURN(auto vs, embedder_->embed(part, EmbedPurpose::kDocument));
    LS_TRY(check_vectors(vs, part.size(), space->dimension, model));
    for (size_t k = 0; k < vs.size(); ++k) {
      auto [i, j] = where[at + k];
      batch[i].chunks[j].embedding = std::move(vs[k]);
    }
  }
  for (auto& d : batch) {
    bool all = !d.chunks.empty();
    for (const auto& ch : d.chunks) all = all && !ch.embedding.empty();
    if (all) d.embedding_model = model;
  }
  return {};
}

Result<EmbedReport> KnowledgeBase::embed(const std::string& collection, const EmbedProgress& progress, int batch) {
  if (!embedder_) return Error::unsupported("no embedding model is loaded (--embedding-model PATH)");
  if (batch < 1 || batch > 4096) return Error::invalid("embedding batch must be in [1, 4096]");
  LS_ASSIGN_OR_RETURN(std::optional<VectorSpace> before, store_->vector_space(collection));
  EmbedReport rep;
  rep.model = embedder_->model_id();
  rep.dimension = embedder_->dimension();
  rep.model_changed = before && before->model != rep.model;
  LS_TRY(store_->set_vector_model(collection, rep.model, rep.dimension));
  LS_ASSIGN_OR_RETURN(VectorCounts counts, store_->vector_counts(collection));
  const int64_t total = counts.chunks - counts.current;
  int64_t after = 0;
  for (;;) {
    LS_ASSIGN_OR_RETURN(auto todo, store_->chunks_to_embed(collection, after, batch));
    if (todo.empty()) break;
    std::vector<std::string> texts;
    std::vector<int64_t> ids;
    for (auto& t : todo) {
      texts.push_back(std::move(t.text));
      ids.push_back(t.chunk_id);
    }
    LS_ASSIGN_OR_RETURN(auto vs, embedder_->embed(texts, EmbedPurpose::kDocument));
    LS_TRY(check_vectors(vs, texts.size(), rep.dimension, rep.model));
    LS_TRY(store_->put_vectors(collection, rep.model, ids, vs));
    rep.embedded += static_cast<int64_t>(ids.size());
    after = ids.back();
    if (progress && !progress(rep.embedded, total)) break;
  }
  LS_ASSIGN_OR_RETURN(VectorCounts left, store_->vector_counts(collection));
  rep.remaining = left.chunks - left.current;
  return rep;
}

Result<std::vector<SearchHit>> KnowledgeBase::search(const SearchRequest& r) {
  if (r.top_k < 1 || r.top_k > Bm25Retriever::kMaxTopK)
    return Error::invalid("top_k must be in [1, " + std::to_string(Bm25Retriever::kMaxTopK) + "], got " +
                          std::to_string(r.top_k));
  SearchRequest q = r;
  if (r.rerank) {
    q.top_k = std::max(r.top_k, r.rerank->top_n);
    q.include_text = true;  // the cross-encoder reads it
  }
  std::vector<SearchHit> hits;
  switch (r.mode) {
    case SearchMode::kBm25: {
      LS_ASSIGN_OR_RETURN(hits, retriever_->search(q));
      break;
    }
    case SearchMode::kDense: {
      LS_ASSIGN_OR_RETURN(hits, dense_->search(q, embedder_.get()));
      break;
    }
    case SearchMode::kHybrid: {
      if (r.rrf_k < 0) return Error::invalid("RRF k must be >= 0");
      if (!(r.dense_weight >= 0 && r.dense_weight <= 1)) return Error::invalid("dense_weight must be in [0, 1]");
      SearchRequest each = q;
      each.top_k = r.candidates > 0 ? std::min(r.candidates, Bm25Retriever::kMaxTopK)
                                    : std::min(std::max(q.top_k, 100), Bm25Retriever::kMaxTopK);
      each.top_k = std::max(each.top_k, q.top_k);
      std::vector<RankedList> lists(2);
      lists[0].retriever = "bm25";
      lists[0].weight = 1 - r.dense_weight;
      LS_ASSIGN_OR_RETURN(lists[0].hits, retriever_->search(each));
      lists[1].retriever = "dense";
      lists[1].weight = r.dense_weight;
      LS_ASSIGN_OR_RETURN(lists[1].hits, dense_->search(each, embedder_.get()));
      const size_t n = static_cast<size_t>(q.top_k);
      hits = r.fusion == FusionMethod::kWeighted ? fuse_weighted(lists, n) : fuse_rrf(lists, r.rrf_k, n);
      break;
    }
  }
  if (r.rerank) {
    LS_ASSIGN_OR_RETURN(hits, rerank(r, std::move(hits)));
  }
  if (hits.size() > static_cast<size_t>(r.top_k)) hits.resize(static_cast<size_t>(r.top_k));
  if (!r.include_text)
    for (auto& h : hits) h.text.clear();
  return hits;
}

Result<std::vector<SearchHit>> KnowledgeBase::rerank(const SearchRequest& r, std::vector<SearchHit> hits) {
  if (!reranker_) return Error::unsupported("rerank requested but no reranker model is loaded");
  // The model id is the file stem plus a digest; naming the stem (or any prefix of the id) is enough.
  const std::string loaded = reranker_->model_id();
  if (!r.rerank->model.empty() && loaded.compare(0, r.rerank->model.size(), r.rerank->model) != 0)
    return Error::invalid("rerank model '" + r.rerank->model + "' is not loaded (loaded: '" + loaded + "')");
  const size_t n = r.rerank->top_n > 0 ? std::min(hits.size(), static_cast<size_t>(r.rerank->top_n)) : hits.size();
  std::vector<std::string> docs;
  for (size_t i = 0; i < n; ++i) docs.push_back(embedding_text(hits[i].title, hits[i].heading_path, hits[i].text));
  LS_ASSIGN_OR_RETURN(std::vector<float> scores, reranker_->score(r.query, docs));
  if (scores.size() != n)
    return Error::internal("reranker '" + reranker_->model_id() + "' returned " + std::to_string(scores.size()) +
                           " scores for " + std::to_string(n) + " documents");
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] > scores[b]; });
  std::vector<SearchHit> out;
  for (size_t i = 0; i < n; ++i) {
    out.push_back(std::move(hits[order[i]]));
    out.back().score = scores[order[i]];
    out.back().found_by.push_back({"rerank", static_cast<int>(i) + 1, scores[order[i]]});
  }
  for (size_t i = n; i < hits.size(); ++i) out.push_back(std::move(hits[i]));
  return out;
}

Result<AddedDocument> KnowledgeBase::add_document(const std::string& collection, const NewDocument& nd) {
  LS_ASSIGN_OR_RETURN(Format fmt, parse_format_name(nd.format));
  if (fmt != Format::kText && fmt != Format::kMarkdown && fmt != Format::kHtml)
    return Error::invalid("document format must be text, markdown or html, got '" + nd.format + "'");
  if (nd.text.size() > (64u << 20)) return Error::limit("document text larger than 64 MB");
  LS_ASSIGN_OR_RETURN(Collection coll, store_->get_collection(collection));
  LS_ASSIGN_OR_RETURN(ParseOutput parsed, parse_document(fmt, nd.text, nd.id.empty() ? "document" : nd.id));
  if (parsed.docs.size() != 1) return Error::internal("expected one parsed document");
  ParsedDocument& d = parsed.docs[0];
  if (!nd.title.empty()) d.title = nd.title;
  if (!nd.metadata_json.empty() && nd.metadata_json != "{}") d.metadata_json = nd.metadata_json;
  DocumentInput in = make_document(d, coll.config);
  in.id = nd.id.empty() ? "doc-" + in.content_hash.substr(0, 16) : nd.id;
  if (nd.id.empty() && nd.title.empty() && d.title == "document") in.title = in.id;
  in.source = nd.source.empty() ? "api" : nd.source;
  std::vector<DocumentInput> batch{std::move(in)};
  LS_TRY(embed_batch(collection, batch, nullptr));
  LS_ASSIGN_OR_RETURN(auto outcomes, store_->upsert_documents(collection, batch));
  const DocumentInput& in_stored = batch[0];
  return AddedDocument{in_stored.id, outcomes[0], static_cast<int64_t>(in_stored.chunks.size())};
}

Result<IngestReport> KnowledgeBase::ingest(const std::string& collection, const std::vector<std::string>& inputs,
                                           const IngestOptions& options, const FetchPolicy& fetch,
                                           CommitCallback on_commit) {
  LS_ASSIGN_OR_RETURN(Collection coll, store_->get_collection(collection));
  IngestOptions io = options;
  std::vector<std::string> warnings;
  if (!io.before_commit)
    io.before_commit = [this, collection, &warnings](std::vector<DocumentInput>& b) {
      return embed_batch(collection, b, &warnings);
    };
  Ingestor ing(*store_, coll, io, std::move(on_commit));
  for (const auto& in : inputs) LS_TRY(ingest_input(ing, in, fetch));
  LS_TRY(ing.flush());
  IngestReport rep = ing.report();
  rep.warnings.insert(rep.warnings.end(), warnings.begin(), warnings.end());
  return rep;
}

Result<Source> KnowledgeBase::add_source(const std::string& collection, const SourceSpec& spec) {
  if (!spec.schedule.empty()) LS_TRY(CronSchedule::parse(spec.schedule));
  SourceSpec s = spec;
  if (!is_url(s.uri)) {  // sync may run from another working directory
    std::error_code ec;
    auto abs = std::filesystem::absolute(s.uri, ec);
    if (!ec) s.uri = abs.lexically_normal().string();
  }
  return store_->add_source(collection, s);
}

Result<SyncStatus> KnowledgeBase::sync_source(int64_t source_id, const SyncOptions& options) {
  LS_ASSIGN_OR_RETURN(Source s, store_->get_source(source_id));
  SyncOptions o = options;
  if (!o.before_commit)
    o.before_commit = [this, coll = s.collection](std::vector<DocumentInput>& b) { return embed_batch(coll, b, nullptr); };
  LS_ASSIGN_OR_RETURN(SyncStatus st, kb::sync_source(*store_, s, o));
  // Chunks stored without vectors earlier (model switched, interrupted `kb embed`) catch up here
  // when the loaded model is the collection's.
  if (embedder_) {
    auto space = store_->vector_space(s.collection);
    if (space.ok() && *space && (*space)->model == embedder_->model_id()) LS_TRY(embed(s.collection));
  }
  return st;
}

Result<std::vector<Source>> KnowledgeBase::due_sources(std::time_t now) {
  LS_ASSIGN_OR_RETURN(auto all, store_->list_sources(""));
  std::vector<Source> due;
  for (auto& s : all)
    if (source_due(s, now)) due.push_back(std::move(s));
  return due;
}

}  // namespace ls::kb
