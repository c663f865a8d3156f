#include <gtest/gtest.h>

#include "kb/knowledge_base.h"
#include "kb/url_fetch.h"
#include "kb_test_util.h"
#include "loopback_http.h"

namespace ls::kb {
namespace {

// A local HTTP server on 127.0.0.1 (a loopback address: refused unless allow-listed).
class LocalServer {
 public:
  LocalServer() {
    auto& srv = http_.routes();
    srv.Get("/doc.html", [](const httplib::Request&, httplib::Response& r) {
      r.set_content("<html><head><title>Served</title></head><body><p>zanzibar content</p></body></html>",
                    "text/html; charset=utf-8");
    });
    srv.Get("/notes.md", [](const httplib::Request&, httplib::Response& r) {
      r.set_content("# Notes\nquokka facts", "text/plain");
    });
    srv.Get("/to-ip", [this](const httplib::Request&, httplib::Response& r) { r.set_redirect(url("/doc.html")); });
    srv.Get("/loop", [](const httplib::Request&, httplib::Response& r) { r.set_redirect("/loop"); });
    srv.Get("/big", [](const httplib::Request&, httplib::Response& r) { r.set_content(std::string(100000, 'a'), "text/plain"); });
    srv.Get("/missing", [](const httplib::Request&, httplib::Response& r) { r.status = 404; });
    http_.start();
  }
  std::string url(const std::string& path, const std::string& host = "127.0.0.1") const {
    return http_.url(path, host);
  }

 private:
  ls::test::LoopbackHttpServer http_;
};

TEST(UrlFetch, RestrictedAddresses) {
  for (const char* ip : {"127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254",
                         "100.64.0.1", "0.0.0.0", "224.0.0.1", "::1", "::", "fe80::1", "fc00::1", "fd12::1",
                         "::ffff:127.0.0.1", "::ffff:10.0.0.1", "not-an-ip"})
    EXPECT_TRUE(is_restricted_address(ip)) << ip;
  for (const char* ip : {"8.8.8.8", "1.1.1.1", "172.32.0.1", "192.169.0.1", "2001:4860:4860::8888", "::ffff:8.8.8.8"})
    EXPECT_FALSE(is_restricted_address(ip)) << ip;
}

TEST(UrlFetch, LoopbackRefusedByDefaultAllowedWhenListed) {
  LocalServer s;
  auto refused = fetch_url(s.url("/doc.html"), FetchPolicy{});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("127.0.0.1"), std::string::npos) << refused.error().message;
  FetchPolicy allow;
  allow.allow_hosts = {"127.0.0.1"};
  auto ok = fetch_url(s.url("/doc.html"), allow);
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ok->content_type, "text/html");
  EXPECT_NE(ok->body.find("zanzibar"), std::string::npos);
}

TEST(UrlFetch, RedirectTargetsAreCheckedAgain) {
  LocalServer s;
  FetchPolicy only_localhost;
  only_localhost.allow_hosts = {"localhost"};
  // localhost is allowed, but it redirects to 127.0.0.1, which is not.
  auto r = fetch_url(s.url("/to-ip", "localhost"), only_localhost);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("refusing"), std::string::npos) << r.error().message;
  FetchPolicy both;
  both.allow_hosts = {"localhost", "127.0.0.1"};
  auto ok = fetch_url(s.url("/to-ip", "localhost"), both);
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->url, s.url("/doc.html"));
  auto loop = fetch_url(s.url("/loop"), FetchPolicy{5u << 20, 10, 3, {"127.0.0.1"}});
  ASSERT_FALSE(loop.ok());
  EXPECT_NE(loop.error().message.find("redirects"), std::string::npos);
}

TEST(UrlFetch, SizeLimitStatusAndSchemes) {
  LocalServer s;
  FetchPolicy p;
  p.allow_hosts = {"127.0.0.1"};
  p.max_bytes = 1000;
  auto big = fetch_url(s.url("/big"), p);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().kind, ErrorKind::kResourceLimit);
  auto missing = fetch_url(s.url("/missing"), p);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("404"), std::string::npos);
  EXPECT_FALSE(fetch_url("file:///etc/passwd", p).ok());
  EXPECT_FALSE(fetch_url("ftp://127.0.0.1/x", p).ok());
  EXPECT_FALSE(fetch_url("not a url", p).ok());
}

TEST(UrlFetch, IngestsUrlsAndUrlListsIntoACollection) {
  LocalServer s;
  test::ScratchDir dir;
  auto kb = KnowledgeBase::open(dir / "data");
  ASSERT_TRUE(kb.ok());
  ASSERT_TRUE((*kb)->create_collection("web").ok());
  auto denied = (*kb)->ingest("web", {s.url("/doc.html")});
  ASSERT_TRUE(denied.ok());
  EXPECT_EQ(denied->failed, 1);
  EXPECT_EQ(denied->added, 0);
  test::write_file(dir / "list.urls", "# pages\n" + s.url("/doc.html") + "\n" + s.url("/notes.md") + "\n");
  FetchPolicy allow;
  allow.allow_hosts = {"127.0.0.1"};
  auto rep = (*kb)->ingest("web", {dir / "list.urls"}, {}, allow);
  ASSERT_TRUE(rep.ok());
  EXPECT_EQ(rep->added, 2) << (rep->errors.empty() ? "" : rep->errors[0]);
  SearchRequest req;
  req.collection = "web";
  req.query = "zanzibar";
  auto hits = (*kb)->search(req);
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].title, "Served");
  EXPECT_EQ((*hits)[0].source, s.url("/doc.html"));
  req.query = "quokka";
  hits = (*kb)->search(req);
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].heading_path, "Notes");  // .md path extension wins over text/plain
}

}  // namespace
}  // namespace ls::kb
