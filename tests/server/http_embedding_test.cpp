// POST /v1/embeddings and /v1/rerank over real HTTP with the shared tiny models.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <chrono>
#include <fstream>
#include <future>
#include <thread>

#include "embed/model_embedder.h"
#include "embed/model_reranker.h"
#include "test_server.h"
#include "test_support.h"

namespace ls::server {
namespace {

using json = nlohmann::json;
using test::TestServer;

json post(httplib::Client& c, const std::string& path, const std::string& body, int expect) {
  auto r = c.Post(path, body, "application/json");
  EXPECT_TRUE(r) << path;
  if (!r) return {};
  EXPECT_EQ(r->status, expect) << path << " " << body << " -> " << r->body;
  return json::parse(r->body, nullptr, false);
}

std::vector<float> decode_base64_floats(const std::string& s) {
  auto val = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
  };
  std::string bytes;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    const int v = val(c);
    if (v < 0) break;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  std::vector<float> out(bytes.size() / 4);
  std::memcpy(out.data(), bytes.data(), out.size() * 4);  // little-endian host
  return out;
}

double norm(const json& v) {
  double s = 0;
  for (const auto& x : v) s += x.get<double>() * x.get<double>();
  return std::sqrt(s);
}

class EmbeddingApi : public ::testing::Test {
 protected:
  void SetUp() override {
    LS_REQUIRE_ASSET("models/tiny-bert-f16.gguf");
    LS_REQUIRE_ASSET("models/tiny-bert-rerank-q8_0.gguf");
    server_ = std::make_unique<TestServer>();
    auto e = embed::ModelEmbedder::open(ls::test::shared_path("models/tiny-bert-f16.gguf"));
    ASSERT_TRUE(e.ok()) << e.error().message;
    auto r = embed::ModelReranker::open(ls::test::shared_path("models/tiny-bert-rerank-q8_0.gguf"));
    ASSERT_TRUE(r.ok()) << r.error().message;
    server_->server().state().embedder = std::move(e).value();
    server_->server().state().reranker = std::move(r).value();
    client_ = server_->client();
  }
  std::unique_ptr<TestServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(EmbeddingApi, FloatVectorsMatchGoldenAndUsage) {
  std::ifstream in(ls::test::shared_path("golden/tiny-bert-f16/embeddings.json"));
  const json g = json::parse(in);
  const json& item = g["items"][0];
  json req = {{"model", "tiny-bert-f16"}, {"input", item["text"]}};
  json r = post(*client_, "/v1/embeddings", req.dump(), 200);
  EXPECT_EQ(r["object"], "list");
  ASSERT_EQ(r["data"].size(), 1u);
  EXPECT_EQ(r["data"][0]["object"], "embedding");
  EXPECT_EQ(r["data"][0]["index"], 0);
  const json& v = r["data"][0]["embedding"];
  ASSERT_EQ(v.size(), 128u);
  EXPECT_NEAR(norm(v), 1.0, 1e-5);
  const double gn = item["norm"].get<double>();
  for (size_t i = 0; i < v.size(); ++i) EXPECT_NEAR(v[i].get<double>(), item["embedding"][i].get<double>() / gn, 1e-3);
  EXPECT_EQ(r["usage"]["prompt_tokens"], item["n_tokens"]);
  EXPECT_EQ(r["usage"]["total_tokens"], item["n_tokens"]);
  EXPECT_EQ(r["model"], "tiny-bert-f16");

  // The same text as token ids (the model input itself) and as one of several inputs.
  json by_ids = post(*client_, "/v1/embeddings", json{{"input", item["token_ids"]}}.dump(), 200);
  json batch = post(*client_, "/v1/embeddings",
                    json{{"input", json::array({"other text", item["text"], item["token_ids"]})}}.dump(), 200);
  ASSERT_EQ(batch["data"].size(), 3u);
  for (size_t i = 0; i < v.size(); ++i) {
    EXPECT_NEAR(by_ids["data"][0]["embedding"][i].get<double>(), v[i].get<double>(), 1e-6);
    EXPECT_NEAR(batch["data"][1]["embedding"][i].get<double>(), v[i].get<double>(), 1e-6);
    EXPECT_NEAR(batch["data"][2]["embedding"][i].get<double>(), v[i].get<double>(), 1e-6);
  }
  EXPECT_EQ(batch["data"][2]["index"], 2);
}

TEST_F(EmbeddingApi, Base64IsLittleEndianFloat32) {
  json f = post(*client_, "/v1/embeddings", R"({"input":["hello world","second"]})", 200);
  json b = post(*client_, "/v1/embeddings", R"({"input":["hello world","second"],"encoding_format":"base64"})", 200);
  ASSERT_EQ(b["data"].size(), 2u);
  for (size_t k = 0; k < 2; ++k) {
    ASSERT_TRUE(b["data"][k]["embedding"].is_string());
    const auto dec = decode_base64_floats(b["data"][k]["embedding"].get<std::string>());
    ASSERT_EQ(dec.size(), 128u);
    for (size_t i = 0; i < dec.size(); ++i) EXPECT_EQ(dec[i], f["data"][k]["embedding"][i].get<float>());
  }
}

TEST_F(EmbeddingApi, DimensionsAndErrors) {
  // BERT vectors cannot be shortened; the full size is accepted.
  json e = post(*client_, "/v1/embeddings", R"({"input":"x","dimensions":64})", 400);
  EXPECT_EQ(e["error"]["param"], "dimensions");
  post(*client_, "/v1/embeddings", R"({"input":"x","dimensions":128})", 200);
  post(*client_, "/v1/embeddings", R"({"input":"x","dimensions":129})", 400);
  e = post(*client_, "/v1/embeddings", R"({"model":"m"})", 400);
  EXPECT_EQ(e["error"]["param"], "input");
  EXPECT_EQ(e["error"]["type"], "invalid_request_error");
  post(*client_, "/v1/embeddings", R"({"input":[]})", 400);
  post(*client_, "/v1/embeddings", R"({"input":""})", 400);
  post(*client_, "/v1/embeddings", R"({"input":[1,2,-3]})", 400);
  post(*client_, "/v1/embeddings", R"({"input":[101, 99999999, 102]})", 400);
  post(*client_, "/v1/embeddings", R"({"input":[["a"]]})", 400);
  post(*client_, "/v1/embeddings", R"({"input":"x","encoding_format":"int8"})", 400);
  post(*client_, "/v1/embeddings", R"({"input":{"a":1}})", 400);
  post(*client_, "/v1/embeddings", "not json", 400);
  std::string deep(100, '[');
  post(*client_, "/v1/embeddings", "{\"input\":" + deep + "}", 400);
  // Too long for the model (512 tokens): an error naming the limit, or cut with truncate.
  std::string long_text;
  for (int i = 0; i < 600; ++i) long_text += "word ";
  e = post(*client_, "/v1/embeddings", json{{"input", long_text}}.dump(), 400);
  EXPECT_NE(e["error"]["message"].get<std::string>().find("512"), std::string::npos);
  json ok = post(*client_, "/v1/embeddings", json{{"input", long_text}, {"truncate", true}}.dump(), 200);
  EXPECT_EQ(ok["usage"]["prompt_tokens"], 512);
}

TEST_F(EmbeddingApi, RerankSortsAndCutsToTopN) {
  std::ifstream in(ls::test::shared_path("golden/tiny-bert-rerank-q8_0/rerank.json"));
  const json g = json::parse(in);
  json req = {{"model", "tiny-bert-rerank-q8_0"}, {"query", g["query"]}, {"documents", g["documents"]}, {"top_n", 3}};
  json r = post(*client_, "/v1/rerank", req.dump(), 200);
  ASSERT_EQ(r["results"].size(), 3u);
  // llama.cpp's best document is 4 ("France", logit 3.04), far ahead of the rest.
  EXPECT_EQ(r["results"][0]["index"], 4);
  EXPECT_EQ(r["results"][0]["document"]["text"], "France");
  for (size_t i = 1; i < 3; ++i) {
    EXPECT_GE(r["results"][i - 1]["relevance_score"].get<double>(), r["results"][i]["relevance_score"].get<double>());
  }
  int64_t tokens = 0;
  for (const auto& ids : g["token_ids"]) tokens += static_cast<int64_t>(ids.size());
  EXPECT_EQ(r["usage"]["prompt_tokens"], tokens);
  json all = post(*client_, "/rerank", json{{"query", g["query"]}, {"documents", g["documents"]}, {"return_documents", false}}.dump(), 200);
  ASSERT_EQ(all["results"].size(), g["documents"].size());
  EXPECT_FALSE(all["results"][0].contains("document"));
  const auto scores = g["scores"].get<std::vector<double>>();
  for (const auto& res : all["results"]) {
    EXPECT_NEAR(res["relevance_score"].get<double>(), scores[res["index"].get<size_t>()], 0.02);
  }
  post(*client_, "/v1/rerank", R"({"documents":["a"]})", 400);
  post(*client_, "/v1/rerank", R"({"query":"q","documents":[]})", 400);
  post(*client_, "/v1/rerank", R"({"query":"q","documents":["a"],"top_n":0})", 400);
  post(*client_, "/v1/rerank", R"({"query":"q","documents":[{"text":"cohere style"}]})", 200);
}

TEST_F(EmbeddingApi, MetricsCountRequests) {
  post(*client_, "/v1/embeddings", R"({"input":["a","b","c"]})", 200);
  post(*client_, "/v1/rerank", R"({"query":"q","documents":["a","b"]})", 200);
  post(*client_, "/v1/embeddings", R"({"input":[]})", 400);
  auto m = client_->Get("/metrics");
  ASSERT_TRUE(m);
  EXPECT_NE(m->body.find("localseek_embedding_inputs_total 3"), std::string::npos) << m->body;
  EXPECT_NE(m->body.find("localseek_embedding_request_duration_seconds_count 1"), std::string::npos);
  EXPECT_NE(m->body.find("localseek_embedding_errors_total 1"), std::string::npos);
  EXPECT_NE(m->body.find("localseek_rerank_documents_total 2"), std::string::npos);
  EXPECT_NE(m->body.find("localseek_rerank_request_duration_seconds_count 1"), std::string::npos);
  // The per-endpoint request counter is bumped after the reply is written, so it may lag a moment.
  bool labelled = false;
  for (int i = 0; i < 100 && !labelled; ++i) {
    auto again = client_->Get("/metrics");
    labelled = again && again->body.find("endpoint=\"/v1/rerank\"") != std::string::npos;
    if (!labelled) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(labelled);
}

TEST_F(EmbeddingApi, ModelsListsTheEmbeddingModelsNextToTheChatModel) {
  auto r = client_->Get("/v1/models");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  const json list = json::parse(r->body);
  EXPECT_EQ(list["object"], "list");
  std::vector<std::string> ids;
  for (const json& m : list["data"]) {
    ids.push_back(m["id"].get<std::string>());
    EXPECT_EQ(m["object"], "model");
    EXPECT_TRUE(m["owned_by"].is_string() && !m["owned_by"].get<std::string>().empty());
    EXPECT_TRUE(m["created"].is_number_integer());
  }
  const std::string chat = server_->backend().info().id;
  EXPECT_EQ(ids, (std::vector<std::string>{chat, "tiny-bert-f16", "tiny-bert-rerank-q8_0"}));
  // The file's mtime, as for the chat model.
  EXPECT_GT(list["data"][1]["created"].get<int64_t>(), 1'600'000'000);
  auto one = client_->Get("/v1/models/tiny-bert-rerank-q8_0");
  ASSERT_TRUE(one);
  EXPECT_EQ(one->status, 200);
  EXPECT_EQ(json::parse(one->body)["id"], "tiny-bert-rerank-q8_0");
  auto none = client_->Get("/v1/models/text-embedding-3-small");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 404);
}

TEST_F(EmbeddingApi, ModelFieldNamesAServedModelOrIsRefused) {
  // The listed id, the full id with the weights' digest, or no model at all.
  json ok = post(*client_, "/v1/embeddings", R"({"model":"tiny-bert-f16","input":"x"})", 200);
  EXPECT_EQ(ok["model"], "tiny-bert-f16");
  const std::string full_id = server_->server().state().embedder->model_id();
  post(*client_, "/v1/embeddings", json{{"model", full_id}, {"input", "x"}}.dump(), 200);
  EXPECT_EQ(post(*client_, "/v1/embeddings", R"({"input":"x"})", 200)["model"], "tiny-bert-f16");
  post(*client_, "/v1/rerank", R"({"model":"tiny-bert-rerank-q8_0","query":"q","documents":["a"]})", 200);
  // Unknown models, and a served model on the wrong endpoint: OpenAI's 404.
  for (const auto& [path, body] : std::vector<std::pair<std::string, std::string>>{
           {"/v1/embeddings", R"({"model":"text-embedding-3-small","input":"x"})"},
           {"/v1/embeddings", R"({"model":"tiny-bert-rerank-q8_0","input":"x"})"},
           {"/v1/rerank", R"({"model":"tiny-bert-f16","query":"q","documents":["a"]})"},
           {"/rerank", R"({"model":"bge-reranker-v2-m3","query":"q","documents":["a"]})"}}) {
    json e = post(*client_, path, body, 404);
    EXPECT_EQ(e["error"]["code"], "model_not_found") << path << " " << body;
    EXPECT_EQ(e["error"]["param"], "model");
    EXPECT_EQ(e["error"]["type"], "not_found_error");
  }
}

TEST(EmbeddingApiListing, WithoutAChatModelTheEmbeddingModelsAreListed) {
  LS_REQUIRE_ASSET("models/tiny-bert-f16.gguf");
  TestServer server(ServerConfig{}, {}, /*with_model=*/false);
  auto e = embed::ModelEmbedder::open(ls::test::shared_path("models/tiny-bert-f16.gguf"));
  ASSERT_TRUE(e.ok());
  server.server().state().embedder = std::move(e).value();
  auto c = server.client();
  auto r = c->Get("/v1/models");
  ASSERT_TRUE(r);
  const json list = json::parse(r->body);
  ASSERT_EQ(list["data"].size(), 1u);
  EXPECT_EQ(list["data"][0]["id"], "tiny-bert-f16");
}

// A burst against a model that is busy: --queue-max requests wait and are answered when it is
// free, the rest get 429 with Retry-After at once; generation is not blocked by it. The test
// holds the model's one running slot itself, so which requests wait is decided by the queue alone.
void burst_test(const std::string& path, const std::string& body, bool rerank) {
  ServerConfig cfg;
  cfg.queue_max = 2;
  TestServer server(cfg);
  auto e = embed::ModelEmbedder::open(ls::test::shared_path("models/tiny-bert-f16.gguf"));
  auto r = embed::ModelReranker::open(ls::test::shared_path("models/tiny-bert-rerank-q8_0.gguf"));
  ASSERT_TRUE(e.ok() && r.ok());
  ServerState& st = server.server().state();
  st.embedder = std::move(e).value();
  st.reranker = std::move(r).value();
  AdmissionQueue& q = rerank ? st.rerank_queue : st.embed_queue;
  AdmissionQueue::Slot busy;
  ASSERT_EQ(q.acquire(busy, AdmissionQueue::Clock::now(), nullptr), AdmissionQueue::Outcome::kAdmitted);

  constexpr int kClients = 6;
  std::vector<std::future<std::pair<int, std::string>>> replies;
  for (int i = 0; i < kClients; ++i) {
    replies.push_back(std::async(std::launch::async, [&server, &path, &body] {
      auto c = server.client();
      auto res = c->Post(path, body, "application/json");
      if (!res) return std::pair<int, std::string>{-1, std::string()};
      return std::pair<int, std::string>{res->status, res->get_header_value("Retry-After")};
    }));
  }
  // The 4 beyond the queue come back 429 while the model is still busy.
  int refused = 0;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (refused < kClients - cfg.queue_max && std::chrono::steady_clock::now() < until) {
    for (auto& f : replies) {
      if (!f.valid() || f.wait_for(std::chrono::milliseconds(10)) != std::future_status::ready) continue;
      auto [status, retry_after] = f.get();
      EXPECT_EQ(status, 429);
      EXPECT_EQ(retry_after, "1");
      ++refused;
    }
  }
  EXPECT_EQ(refused, kClients - cfg.queue_max);
  EXPECT_EQ(q.waiting(), cfg.queue_max);
  // Chat has its own queue: not blocked by the embedding burst.
  auto chat = server.client()->Post("/v1/chat/completions", R"({"messages":[{"role":"user","content":"hi"}]})",
                                    "application/json");
  ASSERT_TRUE(chat);
  EXPECT_EQ(chat->status, 200) << chat->body;
  // The model frees up: the queued requests are answered.
  busy.release();
  int answered = 0;
  for (auto& f : replies) {
    if (!f.valid()) continue;
    ASSERT_EQ(f.wait_for(std::chrono::seconds(20)), std::future_status::ready);
    EXPECT_EQ(f.get().first, 200);
    ++answered;
  }
  EXPECT_EQ(answered, cfg.queue_max);
  auto m = server.client()->Get("/metrics");
  ASSERT_TRUE(m);
  const std::string counter = rerank ? "localseek_rerank_queue_rejections_total 4" : "localseek_embedding_queue_rejections_total 4";
  EXPECT_NE(m->body.find(counter), std::string::npos) << m->body;
}

TEST(EmbeddingApiQueue, EmbeddingBurstQueuesThen429) {
  LS_REQUIRE_ASSET("models/tiny-bert-f16.gguf");
  LS_REQUIRE_ASSET("models/tiny-bert-rerank-q8_0.gguf");
  burst_test("/v1/embeddings", R"({"input":["a burst","of texts"]})", false);
}

TEST(EmbeddingApiQueue, RerankBurstQueuesThen429) {
  LS_REQUIRE_ASSET("models/tiny-bert-f16.gguf");
  LS_REQUIRE_ASSET("models/tiny-bert-rerank-q8_0.gguf");
  burst_test("/v1/rerank", R"({"query":"q","documents":["a","b"]})", true);
}

TEST(EmbeddingApiQueue, WaitingPastTheTimeoutIs503) {
  LS_REQUIRE_ASSET("models/tiny-bert-f16.gguf");
  ServerConfig cfg;
  cfg.timeout_seconds = 0.3;
  TestServer server(cfg);
  auto e = embed::ModelEmbedder::open(ls::test::shared_path("models/tiny-bert-f16.gguf"));
  ASSERT_TRUE(e.ok());
  ServerState& st = server.server().state();
  st.embedder = std::move(e).value();
  AdmissionQueue::Slot busy;
  ASSERT_EQ(st.embed_queue.acquire(busy, AdmissionQueue::Clock::now(), nullptr), AdmissionQueue::Outcome::kAdmitted);
  auto c = server.client();
  json err = post(*c, "/v1/embeddings", R"({"input":"x"})", 503);
  EXPECT_NE(err["error"]["message"].get<std::string>().find("timed out"), std::string::npos);
  busy.release();
  post(*c, "/v1/embeddings", R"({"input":"x"})", 200);
}

TEST(EmbeddingApiQwen3, DimensionsTruncateAndRenormalise) {
  LS_REQUIRE_ASSET("models/tiny-qwen3-embed-f16.gguf");
  TestServer server;
  auto e = embed::ModelEmbedder::open(ls::test::shared_path("models/tiny-qwen3-embed-f16.gguf"));
  ASSERT_TRUE(e.ok()) << e.error().message;
  server.server().state().embedder = std::move(e).value();
  auto c = server.client();
  json full = post(*c, "/v1/embeddings", R"({"input":"hello"})", 200);
  json cut = post(*c, "/v1/embeddings", R"({"input":"hello","dimensions":64})", 200);
  const json& f = full["data"][0]["embedding"];
  const json& v = cut["data"][0]["embedding"];
  ASSERT_EQ(f.size(), 256u);
  ASSERT_EQ(v.size(), 64u);
  EXPECT_NEAR(norm(v), 1.0, 1e-5);
  double head = 0;
  for (size_t i = 0; i < 64; ++i) head += f[i].get<double>() * f[i].get<double>();
  for (size_t i = 0; i < 64; ++i) EXPECT_NEAR(v[i].get<double>(), f[i].get<double>() / std::sqrt(head), 1e-5);
  // A query gets the instruction: more tokens, a different vector.
  json q = post(*c, "/v1/embeddings", R"({"input":"hello","input_type":"query"})", 200);
  EXPECT_GT(q["usage"]["prompt_tokens"].get<int>(), full["usage"]["prompt_tokens"].get<int>());
  post(*c, "/v1/rerank", R"({"query":"q","documents":["a"]})", 501);
}

}  // namespace
}  // namespace ls::server
