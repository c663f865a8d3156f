#include "server/admission_error.h"

#include <string>

namespace ls::server {

ApiError admission_error(AdmissionQueue::Outcome o, const AdmissionQueue& q) {
  switch (o) {
    case AdmissionQueue::Outcome::kQueueFull:
      return ApiError::rate_limited("the server is busy: " + std::to_string(q.parallel()) + " requests running and " +
                                    std::to_string(q.queue_max()) + " waiting (--queue-max); retry later");
    case AdmissionQueue::Outcome::kTimedOut:
      return ApiError::unavailable("timed out waiting in the queue (--timeout)");
    case AdmissionQueue::Outcome::kDraining:
      return ApiError::unavailable("the server is shutting down");
    case AdmissionQueue::Outcome::kAbandoned:
      return {kClientClosedRequest, "client_closed", "the client closed the connection while waiting", {}, {}};
    default:
      return ApiError::internal("unexpected admission outcome");
  }
}

}  // namespace ls::server
