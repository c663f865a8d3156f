#include "kb/knowledge_base.h"

#include <filesystem>

#include "kb/cron.h"
#include "kb/input_source.h"

namespace ls::kb {

Result<std::unique_ptr<KnowledgeBase>> KnowledgeBase::open(const std::string& data_dir) {
  std::unique_ptr<KnowledgeBase> kb(new KnowledgeBase);
  LS_ASSIGN_OR_RETURN(kb->store_, SqliteStore::open(data_dir));
  kb->retriever_ = std::make_unique<Bm25Retriever>(*kb->store_);
  return kb;
}

Result<Collection> KnowledgeBase::create_collection(const std::string& name, const CollectionConfig& config) {
  return store_->create_collection(name, config);
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
  LS_ASSIGN_OR_RETURN(auto outcomes, store_->upsert_documents(collection, {in}));
  return AddedDocument{in.id, outcomes[0], static_cast<int64_t>(in.chunks.size())};
}

Result<IngestReport> KnowledgeBase::ingest(const std::string& collection, const std::vector<std::string>& inputs,
                                           const IngestOptions& options, const FetchPolicy& fetch,
                                           CommitCallback on_commit) {
  LS_ASSIGN_OR_RETURN(Collection coll, store_->get_collection(collection));
  Ingestor ing(*store_, coll, options, std::move(on_commit));
  for (const auto& in : inputs) LS_TRY(ingest_input(ing, in, fetch));
  LS_TRY(ing.flush());
  return ing.report();
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
  return kb::sync_source(*store_, s, options);
}

Result<std::vector<Source>> KnowledgeBase::due_sources(std::time_t now) {
  LS_ASSIGN_OR_RETURN(auto all, store_->list_sources(""));
  std::vector<Source> due;
  for (auto& s : all)
    if (source_due(s, now)) due.push_back(std::move(s));
  return due;
}

}  // namespace ls::kb
