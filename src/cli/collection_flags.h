// The flags that fix a collection's settings (analyzer, chunking, BM25, vector storage), shared by
// `kb create` and `eval retrieval` (which ingests a dataset into a collection of its own): one list
// of flags, one conversion to kb::CollectionConfig, defaults taken from kb::CollectionConfig.
// Header-only, like model_flags.h.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "kb/analyzer.h"
#include "kb/types.h"
#include "kb/vector_codec.h"
#include "util/error.h"

namespace ls::cli {

struct CollectionFlags {
  // `defaults`: what the flags start from (eval retrieval: whole documents as chunks).
  explicit CollectionFlags(const kb::CollectionConfig& defaults_ = {}) : defaults(defaults_) {}

  kb::CollectionConfig defaults;  // first: the members below start from it
  std::string cjk = kb::cjk_mode_name(defaults.analyzer.cjk);
  std::string vectors = kb::vector_encoding_name(defaults.vectors);
  int chunk_tokens = defaults.chunk_tokens;
  int chunk_overlap = defaults.chunk_overlap;
  double k1 = defaults.k1;
  double b = defaults.b;
  bool no_stem = !defaults.analyzer.stem;
  bool no_stop = !defaults.analyzer.stopwords;

  void add(CLI::App& sub) {
    sub.add_option("--chunk-tokens", chunk_tokens, "Target chunk size in approximate tokens")->capture_default_str();
    sub.add_option("--chunk-overlap", chunk_overlap, "Overlap between chunks in tokens")->capture_default_str();
    sub.add_option("--k1", k1, "BM25 k1")->capture_default_str();
    sub.add_option("--b", b, "BM25 b")->capture_default_str();
    sub.add_option("--cjk", cjk, "Chinese/Japanese tokenisation: unibi|bi|uni|icu|unibi+icu")->capture_default_str();
    sub.add_flag("--no-stem", no_stem, "Disable English stemming");
    sub.add_flag("--no-stopwords", no_stop, "Keep English stop words");
    sub.add_option("--vectors", vectors,
                   "Chunk vector storage: f32 | f16 (half the size) | int8 (a quarter); vectors are made when "
                   "an --embedding-model is given")
        ->capture_default_str();
  }

  // The settings, checked (names and ranges; errors name the field).
  Result<kb::CollectionConfig> config() const {
    kb::CollectionConfig c = defaults;
    LS_ASSIGN_OR_RETURN(c.analyzer.cjk, kb::parse_cjk_mode(cjk));
    c.analyzer.stem = !no_stem;
    c.analyzer.stopwords = !no_stop;
    c.chunk_tokens = chunk_tokens;
    c.chunk_overlap = chunk_overlap;
    c.k1 = k1;
    c.b = b;
    LS_ASSIGN_OR_RETURN(c.vectors, kb::parse_vector_encoding(vectors));
    LS_TRY(c.validate());
    return c;
  }
};

}  // namespace ls::cli
