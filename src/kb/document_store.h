// Storage interface of the knowledge base. The embedded default is SqliteStore (kb/sqlite_store.h);
// a search-engine backend (Elasticsearch/OpenSearch) implements the same calls.
#pragma once

#include <string>
#include <vector>

#include "kb/types.h"

namespace ls::kb {

class DocumentStore {
 public:
  virtual ~DocumentStore() = default;

  virtual Result<Collection> create_collection(const std::string& name, const CollectionConfig& config) = 0;
  virtual Result<Collection> get_collection(const std::string& name) = 0;
  virtual Result<std::vector<Collection>> list_collections() = 0;
  // Removes the collection with all its documents, chunks and sources.
  virtual Status delete_collection(const std::string& name) = 0;

  // Writes a batch atomically (one transaction): each document is added, replaced (its content hash
  // differs; old chunks removed) or left untouched. A document and its chunks are never visible
  // separately. Returns one outcome per input, in order.
  virtual Result<std::vector<UpsertOutcome>> upsert_documents(const std::string& collection,
                                                              const std::vector<DocumentInput>& docs) = 0;
  virtual Result<Document> get_document(const std::string& collection, const std::string& id,
                                        bool with_chunks = true) = 0;
  // Ordered by id; offset/limit paging; total is the collection's document count.
  virtual Result<DocumentPage> list_documents(const std::string& collection, int64_t offset, int64_t limit) = 0;
  // kNotFound when absent.
  virtual Status delete_document(const std::string& collection, const std::string& id) = 0;
  // (id, content hash) of every document produced by a declared source.
  virtual Result<std::vector<std::pair<std::string, std::string>>> source_documents(const std::string& collection,
                                                                                   int64_t source_id) = 0;
  virtual Result<CollectionStats> stats(const std::string& collection) = 0;
};

}  // namespace ls::kb
