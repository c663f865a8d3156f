#include "rag/web_retriever.h"

#include <chrono>
#include <ctime>
#include <atomic>
#include <thread>
#include <mutex>
#include <nlohmann/json.hpp>

#include "kb/charset.h"
#include "kb/chunker.h"
#include "kb/formats.h"
#include "kb/url_fetch.h"
#include "util/strings.h"

namespace ls::rag {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// A charset declared in the first bytes of an HTML page (<meta charset=…> or http-equiv content).
std::string declared_charset(const std::string& body) {
  std::string head = to_lower_ascii(std::string_view(body).substr(0, 2048));
  size_t p = head.find("charset=");
  if (p == std::string::npos) return "";
  p += 8;
  while (p < head.size() && (head[p] == '"' || head[p] == '\'' || head[p] == ' ')) ++p;
  size_t e = p;
  while (e < head.size() && (std::isalnum(static_cast<unsigned char>(head[e])) || head[e] == '-' || head[e] == '_')) ++e;
  return head.substr(p, e - p);
}

Result<std::string> to_utf8(const std::string& body, bool html) {
  const std::string declared = html ? declared_charset(body) : "";
  if (!declared.empty() && declared != "utf-8" && declared != "utf8") {
    // GBK and GB2312 pages are decoded as GB18030, their superset.
    const std::string cs = declared == "gbk" || declared == "gb2312" ? "gb18030" : declared;
    if (auto r = kb::convert_to_utf8(body, cs); r.ok()) return r;
  }
  LS_ASSIGN_OR_RETURN(kb::DecodedText d, kb::decode_to_utf8(body));
  return d.text;
}

int64_t unix_now() { return static_cast<int64_t>(std::time(nullptr)); }

}  // namespace

Result<PageText> extract_page(const std::string& content_type, const std::string& body, int chunk_tokens) {
  const bool html = content_type == "text/html" || content_type == "application/xhtml+xml";
  if (!html && content_type != "text/plain")
    return Error::unsupported("content type '" + content_type + "' is neither HTML nor text");
  LS_ASSIGN_OR_RETURN(std::string text, to_utf8(body, html));
  kb::ParsedDocument doc = html ? kb::parse_html(text) : kb::parse_text(std::move(text));
  kb::ChunkerOptions co;
  co.target_tokens = chunk_tokens;
  co.overlap_tokens = chunk_tokens / 8;
  PageText out;
  out.title = doc.title;
  for (auto& c : kb::chunk_document(doc, co))
    if (!trim(c.text).empty()) out.chunks.push_back(std::move(c.text));
  return out;
}

Result<std::vector<WebResult>> WebRetriever::search_cached(const std::string& query, int max_results,
                                                           WebReport& report) {
  const std::string key = search_->name() + "\n" + std::to_string(max_results) + "\n" + query;
  if (cache_ && options_.cache_ttl_s > 0) {
    if (auto hit = cache_->get("search", key, unix_now())) {
      json j = json::parse(*hit, nullptr, false);
      if (j.is_array()) {
        std::vector<WebResult> out;
        for (const auto& r : j) out.push_back({r.value("title", ""), r.value("url", ""), r.value("snippet", "")});
        report.search_cache_hit = true;
        return out;
      }
    }
  }
  LS_ASSIGN_OR_RETURN(std::vector<WebResult> results, search_->search(query, max_results));
  if (cache_ && options_.cache_ttl_s > 0) {
    json j = json::array();
    for (const auto& r : results) j.push_back({{"title", r.title}, {"url", r.url}, {"snippet", r.snippet}});
    cache_->put("search", key, j.dump(-1, ' ', false, json::error_handler_t::replace), unix_now() + options_.cache_ttl_s);
  }
  return results;
}

Result<PageText> WebRetriever::page_cached(const std::string& url, WebReport& report) {
  if (cache_ && options_.cache_ttl_s > 0) {
    if (auto hit = cache_->get("page", url, unix_now())) {
      json j = json::parse(*hit, nullptr, false);
      if (j.is_object() && j.contains("chunks")) {
        PageText p;
        p.title = j.value("title", "");
        for (const auto& c : j["chunks"]) p.chunks.push_back(c.get<std::string>());
        ++report.page_cache_hits;
        return p;
      }
    }
  }
  kb::FetchPolicy policy;
  policy.max_bytes = options_.max_page_bytes;
  policy.timeout_s = options_.page_timeout_s;
  policy.max_redirects = options_.max_redirects;
  policy.allow_hosts = options_.allow_hosts;
  LS_ASSIGN_OR_RETURN(kb::FetchResult f, kb::fetch_url(url, policy));
  LS_ASSIGN_OR_RETURN(PageText p, extract_page(f.content_type, f.body, options_.chunk_tokens));
  if (cache_ && options_.cache_ttl_s > 0) {
    json j = {{"title", p.title}, {"chunks", p.chunks}};
    cache_->put("page", url, j.dump(-1, ' ', false, json::error_handler_t::replace), unix_now() + options_.cache_ttl_s);
  }
  return p;
}

std::vector<Passage> WebRetriever::retrieve(const std::string& query, WebReport& report, const PassageScorer& scorer,
                                            int max_results) {
  auto t0 = Clock::now();
  auto results = search_cached(query, max_results > 0 ? max_results : options_.max_results, report);
  report.search_seconds = since(t0);
  if (!results.ok()) {
    report.search_failed = true;
    report.warnings.push_back("web search unavailable, answering without web results: " + results.error().message);
    return {};
  }
  if (results->empty()) report.warnings.push_back("web search (" + search_->name() + ") returned no results");

  t0 = Clock::now();
  struct Fetched {
    Result<PageText> page = Error::internal("not fetched");
    WebReport counts;  // per page, merged below (the report itself is not shared across threads)
  };
  std::vector<Fetched> pages(results->size());
  {
    std::atomic<size_t> next{0};
    auto worker = [&] {
      for (size_t i = next++; i < pages.size(); i = next++) pages[i].page = page_cached((*results)[i].url, pages[i].counts);
    };
    const size_t n = std::min(pages.size(), static_cast<size_t>(std::max(1, options_.parallel_fetches)));
    std::vector<std::thread> threads;
    for (size_t t = 0; t < n; ++t) threads.emplace_back(worker);
    for (auto& t : threads) t.join();
  }
  std::vector<Passage> passages;
  for (size_t i = 0; i < pages.size(); ++i) {
    const WebResult& r = (*results)[i];
    Fetched& fetched = pages[i];
    Result<PageText>& p = fetched.page;
    if (!p.ok()) {
      ++report.pages_failed;
      report.warnings.push_back("skipped web page " + r.url + ": " + p.error().message);
      // The provider's snippet still says something about the page.
      if (!r.snippet.empty()) passages.push_back({"web", r.title, r.url, "", "", 0, r.snippet, 0});
      continue;
    }
    report.page_cache_hits += fetched.counts.page_cache_hits;
    if (fetched.counts.page_cache_hits == 0) ++report.pages_fetched;
    const std::string title = !r.title.empty() ? r.title : p->title;
    for (size_t c = 0; c < p->chunks.size(); ++c)
      passages.push_back({"web", title, r.url, "", "", static_cast<int64_t>(c), std::move(p->chunks[c]), 0});
  }
  report.fetch_seconds = since(t0);

  t0 = Clock::now();
  rank_passages(query, passages, scorer);
  if (static_cast<int>(passages.size()) > options_.max_passages) passages.resize(static_cast<size_t>(options_.max_passages));
  report.rank_seconds = since(t0);
  return passages;
}

}  // namespace ls::rag

namespace ls::rag {

Result<std::shared_ptr<WebRetriever>> open_web_retriever(const WebSearchConfig& config, const WebFetchOptions& options,
                                                         const std::string& cache_path,
                                                         std::vector<std::string>* warnings) {
  LS_ASSIGN_OR_RETURN(std::unique_ptr<WebSearch> search, make_web_search(config));
  std::shared_ptr<WebCache> cache;
  if (!cache_path.empty()) {
    auto c = WebCache::open(cache_path);
    if (c.ok()) cache = std::move(c).value();
    else if (warnings != nullptr) warnings->push_back("web cache disabled: " + c.error().message);
  }
  return std::make_shared<WebRetriever>(std::shared_ptr<WebSearch>(std::move(search)), std::move(cache), options);
}

}  // namespace ls::rag
