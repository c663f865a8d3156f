// Writing JSON and error bodies into cpp-httplib responses, one way for every route.
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "server/api_error.h"

namespace ls::server {

void reply_json(httplib::Response& res, int status, const nlohmann::json& body);
// The OpenAI error body; 429 and 503 also say when to come back (Retry-After).
void reply_error(httplib::Response& res, const ApiError& error);

}  // namespace ls::server
