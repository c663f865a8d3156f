// `localseek kb …`: shared state of the kb subcommands (split over cmd_kb*.cpp by job).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "kb/knowledge_base.h"

namespace CLI {
class App;
}

namespace ls::cli::kbcmd {

struct Context {
  std::string data = "./localseek-data";
  bool json = false;
  std::string embedding_model;  // GGUF embedding model: chunk vectors, dense and hybrid search
  std::string rerank_model;     // GGUF reranker for `search --rerank`
  int threads = 0;              // for those models (0: all CPUs)
  std::function<int()> run;  // set by the chosen subcommand

  // Opens the knowledge base in --data with the --embedding-model / --rerank-model loaded, or
  // reports the error (returns null).
  std::unique_ptr<kb::KnowledgeBase> open() const;
};

// Each adds its subcommands to `kb`.
void add_collection_commands(CLI::App& kb, std::shared_ptr<Context> ctx);  // create rm ls stats
void add_document_commands(CLI::App& kb, std::shared_ptr<Context> ctx);    // add search get
void add_source_commands(CLI::App& kb, std::shared_ptr<Context> ctx);      // source sync
void add_vector_commands(CLI::App& kb, std::shared_ptr<Context> ctx);      // embed

// Error -> printed message and exit code (2 for bad input, 1 otherwise).
int fail(const Error& e);
// Prints one JSON value on stdout.
void print_json(const nlohmann::json& j);

}  // namespace ls::cli::kbcmd
