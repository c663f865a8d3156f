// The server's backend as the RAG pipeline's query rewriter (rag/query_rewrite.h): one short
// greedy generation through the same Backend that answers, so it queues like any request and is
// bounded by a deadline (cancelled when it runs over); an open think block is closed in the
// prompt so an R1 model writes the query without reasoning first, and any reasoning it writes
// anyway is split off.
#pragma once

#include "rag/query_rewrite.h"
#include "server/backend.h"

namespace ls::server {

// `backend` must outlive the returned function.
rag::QueryModel backend_query_model(Backend& backend, double timeout_seconds);

}  // namespace ls::server
