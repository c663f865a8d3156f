#include "server/http_reply.h"

#include "server/openai_response.h"

namespace ls::server {

void reply_json(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(to_json_text(body), "application/json");
}

void reply_error(httplib::Response& res, const ApiError& error) {
  res.status = error.status;
  if (error.status == 429 || error.status == 503) res.set_header("Retry-After", "1");
  res.set_content(error.body(), "application/json");
}

}  // namespace ls::server
