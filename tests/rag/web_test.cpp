#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>

#include "fake_web.h"
#include "rag/web_retriever.h"
#include "rag/web_search.h"

namespace ls::rag {
namespace {

using Clock = std::chrono::steady_clock;

std::shared_ptr<WebSearch> searxng(const test::FakeWeb& web, long timeout_ms = 1500) {
  WebSearchConfig c;
  c.provider = "searxng";
  c.endpoint = web.url("/search");
  c.timeout_ms = timeout_ms;
  auto s = make_web_search(c);
  EXPECT_TRUE(s.ok()) << s.error().message;
  return std::move(s).value();
}

WebFetchOptions loopback_options() {
  WebFetchOptions o;
  o.max_results = 8;
  o.page_timeout_s = 1;
  o.max_page_bytes = 1u << 20;
  o.allow_hosts = {"127.0.0.1"};
  o.max_passages = 20;
  return o;
}

bool has_warning(const WebReport& r, const std::string& part) {
  for (const auto& w : r.warnings)
    if (w.find(part) != std::string::npos) return true;
  return false;
}

TEST(WebSearch, SearxngResultsAreMapped) {
  test::FakeWeb web;
  auto s = searxng(web);
  auto r = s->search("pandas", 3);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].title, "Panda facts");
  EXPECT_EQ((*r)[0].url, web.url("/panda.html"));
  EXPECT_EQ((*r)[0].snippet, "pandas eat bamboo");
}

TEST(WebSearch, DownSlowAndGarbageProvidersAreErrorsWithinTheDeadline) {
  test::FakeWeb web;
  auto s = searxng(web, 500);
  for (const char* q : {"down", "garbage", "slowsearch"}) {
    const auto t0 = Clock::now();
    auto r = s->search(q, 3);
    const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    EXPECT_FALSE(r.ok()) << q;
    EXPECT_LT(secs, 1.5) << q;
  }
}

TEST(WebSearch, PresetsNeedKeysAndNeverShowThem) {
  ::unsetenv("BRAVE_API_KEY");
  WebSearchConfig c;
  c.provider = "brave";
  auto missing = make_web_search(c);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("BRAVE_API_KEY"), std::string::npos);
  // A Google key travels in the query string: errors show the endpoint without it.
  test::FakeWeb web;
  c.provider = "google";
  c.endpoint = web.url("/nothing-here");
  c.api_key = "SECRET-KEY-123";
  c.google_cx = "cx1";
  auto g = make_web_search(c);
  ASSERT_TRUE(g.ok()) << g.error().message;
  auto r = (*g)->search("x", 3);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message.find("SECRET-KEY-123"), std::string::npos) << r.error().message;
  WebSearchConfig unknown;
  unknown.provider = "altavista";
  EXPECT_FALSE(make_web_search(unknown).ok());
}

TEST(WebSearch, GenericJsonMappingUsesConfiguredPaths) {
  EXPECT_EQ(json_path_string(R"({"a":{"b":[{"c":"x"},{"c":7}]}})", "a.b.1.c"), "7");
  EXPECT_EQ(json_path_string(R"({"a":1})", "a.b"), "");
  EXPECT_EQ(json_path_string("not json", "a"), "");
  test::FakeWeb web;
  WebSearchConfig c;
  c.provider = "json";
  c.endpoint = web.url("/search?format=json");
  c.results_path = "results";
  c.title_path = "title";
  c.url_path = "url";
  c.snippet_path = "content";
  auto s = make_web_search(c);
  ASSERT_TRUE(s.ok()) << s.error().message;
  auto r = (*s)->search("pandas", 2);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[1].title, "GBK page");
}

TEST(WebRetriever, FetchesRanksAndReportsEveryBadPage) {
  test::FakeWeb web;
  WebRetriever wr(searxng(web), nullptr, loopback_options());
  WebReport rep;
  const auto t0 = Clock::now();
  auto ps = wr.retrieve("how much bamboo does the giant panda eat", rep);
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  EXPECT_LT(secs, 2.5);  // pages in parallel: the slow page costs one page deadline
  ASSERT_FALSE(ps.empty());
  EXPECT_EQ(ps[0].source, web.url("/panda.html"));
  EXPECT_NE(ps[0].text.find("12 kilograms"), std::string::npos);
  EXPECT_EQ(ps[0].text.find("menu"), std::string::npos);  // nav dropped by kb's HTML extraction
  bool gbk = false, gzip = false;
  for (const auto& p : ps) {
    gbk |= p.text.find("大熊猫生活在四川的竹林里") != std::string::npos;
    gzip |= p.text.find("Compressed page") != std::string::npos;
  }
  EXPECT_TRUE(gbk);
  EXPECT_TRUE(gzip);
  EXPECT_TRUE(has_warning(rep, "/slow.html")) << rep.warnings.size();
  EXPECT_TRUE(has_warning(rep, "/huge.html"));
  EXPECT_TRUE(has_warning(rep, "10.0.0.1"));  // redirect to a private address refused after the hop
  EXPECT_TRUE(has_warning(rep, "application/pdf"));
  EXPECT_EQ(rep.pages_failed, 4);
  for (const auto& w : rep.warnings) std::printf("warning: %s\n", w.c_str());  // shown when it fails
}

TEST(WebRetriever, LoopbackRefusedWithoutAllowList) {
  test::FakeWeb web;
  WebFetchOptions o = loopback_options();
  o.allow_hosts.clear();
  WebRetriever wr(searxng(web), nullptr, o);
  WebReport rep;
  auto ps = wr.retrieve("bamboo", rep);
  EXPECT_EQ(rep.pages_fetched, 0);
  EXPECT_EQ(rep.pages_failed, 8);
  EXPECT_TRUE(has_warning(rep, "loopback"));
  // Only the providers' snippets remain.
  for (const auto& p : ps) EXPECT_EQ(p.text.find("12 kilograms"), std::string::npos);
}

TEST(WebRetriever, ProviderDownMeansAWarningNotAnError) {
  test::FakeWeb web;
  WebRetriever wr(searxng(web, 400), nullptr, loopback_options());
  WebReport rep;
  auto ps = wr.retrieve("provider down", rep);
  EXPECT_TRUE(ps.empty());
  EXPECT_TRUE(rep.search_failed);
  EXPECT_TRUE(has_warning(rep, "web search unavailable"));
}

TEST(WebRetriever, CacheServesRepeatsAndExpires) {
  test::FakeWeb web;
  auto cache = WebCache::open(":memory:");
  ASSERT_TRUE(cache.ok());
  std::shared_ptr<WebCache> shared = std::move(cache).value();
  WebFetchOptions o = loopback_options();
  o.max_results = 1;
  WebRetriever wr(searxng(web), shared, o);
  WebReport first, second;
  auto a = wr.retrieve("giant panda bamboo", first);
  auto b = wr.retrieve("giant panda bamboo", second);
  EXPECT_EQ(web.searches.load(), 1);
  EXPECT_FALSE(first.search_cache_hit);
  EXPECT_TRUE(second.search_cache_hit);
  EXPECT_EQ(second.page_cache_hits, 1);
  ASSERT_EQ(a.size(), b.size());
  ASSERT_FALSE(a.empty());
  EXPECT_EQ(a[0].text, b[0].text);
  shared->put("search", "k", "v", 100);
  EXPECT_EQ(shared->get("search", "k", 99).value_or(""), "v");
  EXPECT_FALSE(shared->get("search", "k", 100).has_value());
  EXPECT_GE(shared->prune(1000), 1);
}

TEST(WebRetriever, ExtractPageHandlesCharsetsAndRefusesOtherTypes) {
  auto gbk = extract_page("text/html",
                          "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=GB2312\"><p>\xD6\xD0\xCE\xC4</p>", 256);
  ASSERT_TRUE(gbk.ok()) << gbk.error().message;
  ASSERT_EQ(gbk->chunks.size(), 1u);
  EXPECT_NE(gbk->chunks[0].find("中文"), std::string::npos);
  EXPECT_FALSE(extract_page("image/png", "\x89PNG", 256).ok());
  auto txt = extract_page("text/plain", "plain words", 256);
  ASSERT_TRUE(txt.ok());
  EXPECT_EQ(txt->chunks.at(0), "plain words");
}

}  // namespace
}  // namespace ls::rag
