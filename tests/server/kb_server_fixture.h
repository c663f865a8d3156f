// The fixture of the knowledge-base endpoint tests: a kb::KnowledgeBase in a fresh scratch
// folder (root()/"data"), served in process behind the API key "k", and a client that sends the
// key. A suite prepares the knowledge base (collections, an embedder, files under root()) in
// prepare(), which runs before the server starts.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "kb/knowledge_base.h"
#include "scratch_dir.h"
#include "test_server.h"

namespace ls::server::test {

class KbServerTest : public ::testing::Test {
 protected:
  using json = nlohmann::json;

  void SetUp() override {
    auto k = kb::KnowledgeBase::open((root() / "data").string());
    ASSERT_TRUE(k.ok()) << k.error().message;
    kb_ = std::move(k).value();
    prepare(*kb_);
    if (HasFatalFailure()) return;
    ServerConfig cfg;
    cfg.api_keys = {"k"};
    server_ = std::make_unique<TestServer>(cfg, Script{}, false, kb_);
    client_ = server_->client();
    client_->set_bearer_token_auth("k");
  }
  void TearDown() override {
    client_.reset();
    server_.reset();
    kb_.reset();
  }
  virtual void prepare(kb::KnowledgeBase&) {}

  std::filesystem::path root() const { return dir_.path(); }

  // The JSON body of a request that must answer `expect` (null when no answer came).
  json post(const std::string& path, const std::string& body, int expect) {
    return checked(client_->Post(path.c_str(), body, "application/json"), expect);
  }
  json get(const std::string& path, int expect) { return checked(client_->Get(path.c_str()), expect); }

  ::ls::test::ScratchDir dir_;  // first: outlives the knowledge base and the server
  std::shared_ptr<kb::KnowledgeBase> kb_;
  std::unique_ptr<TestServer> server_;
  std::unique_ptr<httplib::Client> client_;

 private:
  static json checked(const httplib::Result& r, int expect) {
    EXPECT_TRUE(r);
    if (!r) return nullptr;
    EXPECT_EQ(r->status, expect) << r->body;
    return json::parse(r->body, nullptr, false);
  }
};

}  // namespace ls::server::test
