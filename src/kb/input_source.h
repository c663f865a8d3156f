// One ingestion input — a local file or folder, an http(s) URL, or a URL-list file (*.urls: one
// URL per line, '#' comments) — fed into an Ingestor. Shared by `kb add` and source sync.
#pragma once

#include <set>
#include <string>

#include "kb/ingest.h"
#include "kb/url_fetch.h"

namespace ls::kb {

bool is_url(const std::string& s);

// Format of a fetched body: from its Content-Type, else from the URL's path extension.
Result<Format> format_for_response(const std::string& content_type, const std::string& url);

struct InputOutcome {
  bool reachable = true;        // false: the input as a whole could not be read (nothing removed)
  std::set<std::string> keep;   // ids of items that failed this time: keep their previous version
};

// Problems with single items are recorded in the ingestor's report; only storage errors return.
Result<InputOutcome> ingest_input(Ingestor& ingestor, const std::string& input, const FetchPolicy& fetch);

}  // namespace ls::kb
