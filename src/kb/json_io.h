// JSON forms of the knowledge-base types, shared by the CLI's --json output and the HTTP API so
// both speak the same shapes. Parsers validate and name the offending field.
#pragma once

#include <nlohmann/json.hpp>

#include "kb/ingest.h"
#include "kb/knowledge_base.h"
#include "kb/source_types.h"
#include "kb/types.h"

namespace ls::kb {

// {"score","document_id","title","source","text","position","heading_path","start_offset",
//  "end_offset","page"(only when >0),"chunk_id","metadata",
//  "retrievers": [{"retriever": "bm25"|"dense"|"rerank", "rank" (1-based), "score"}]}
nlohmann::json to_json(const SearchHit& h);
nlohmann::json to_json(const DocumentInfo& d);
nlohmann::json to_json(const Document& d);  // info fields + "chunks": [{position,text,heading_path,…}]
nlohmann::json to_json(const DocumentPage& p);  // {"total","offset","documents":[…]}
nlohmann::json to_json(const Collection& c);
nlohmann::json to_json(const CollectionStats& s);
nlohmann::json to_json(const SyncStatus& s);
nlohmann::json to_json(const Source& s);
nlohmann::json to_json(const IngestReport& r);  // counts and errors (not the id list)

// {"query": string (required), "collection": string (or default_collection), "top_k": 1..1000
//  (default 5), "filters": {"document_ids": [..], "source_prefix": "..", "metadata": {k: v}}}
Result<SearchRequest> search_request_from_json(const nlohmann::json& j, const std::string& default_collection = "");
// The retrieval options of a search (also read from the RAG extension's "knowledge" object):
// "mode": bm25|dense|hybrid, "fusion": "rrf"|"weighted"|{method, k (RRF constant, default 60),
// dense_weight (weighted fusion, default 0.5)}, "rerank": {model, top_n}.
Status search_options_from_json(const nlohmann::json& j, SearchRequest& r);
// {"id"?, "title"?, "text" (required), "format"? ("text"|"markdown"|"html"), "metadata"? {}, "source"?}
Result<NewDocument> new_document_from_json(const nlohmann::json& j);

}  // namespace ls::kb
