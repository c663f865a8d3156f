// The reply to a request that did not get a slot in its admission queue (generation, embeddings,
// rerank): 429 when the queue is full (with Retry-After, http_reply.cpp), 503 when it waited past
// --timeout or the server is draining; 499 (never sent) when the client left while waiting.
#pragma once

#include "server/admission_queue.h"
#include "server/api_error.h"

namespace ls::server {

// Status for a client that left before its answer: never sent, only counted (nginx's 499).
constexpr int kClientClosedRequest = 499;

ApiError admission_error(AdmissionQueue::Outcome o, const AdmissionQueue& q);

}  // namespace ls::server
