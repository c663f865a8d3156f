#include "kb/types.h"

#include <nlohmann/json.hpp>

#include "kb/enum_names.h"

namespace ls::kb {

std::string CollectionConfig::to_json() const {
  nlohmann::json j;
  j["analyzer"] = {{"cjk", cjk_mode_name(analyzer.cjk)}, {"stem", analyzer.stem}, {"stopwords", analyzer.stopwords}};
  j["chunk_tokens"] = chunk_tokens;
  j["chunk_overlap"] = chunk_overlap;
  j["k1"] = k1;
  j["b"] = b;
  j["vectors"] = vector_encoding_name(vectors);
  return j.dump();
}

Result<CollectionConfig> CollectionConfig::from_json(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Error::invalid("collection config is not a JSON object");
  CollectionConfig c;
  try {
    if (j.contains("analyzer")) {
      const auto& a = j["analyzer"];
      if (a.contains("cjk")) {
        LS_ASSIGN_OR_RETURN(c.analyzer.cjk, parse_cjk_mode(a["cjk"].get<std::string>()));
      }
      c.analyzer.stem = a.value("stem", c.analyzer.stem);
      c.analyzer.stopwords = a.value("stopwords", c.analyzer.stopwords);
    }
    c.chunk_tokens = j.value("chunk_tokens", c.chunk_tokens);
    c.chunk_overlap = j.value("chunk_overlap", c.chunk_overlap);
    c.k1 = j.value("k1", c.k1);
    c.b = j.value("b", c.b);
    if (j.contains("vectors")) {
      LS_ASSIGN_OR_RETURN(c.vectors, parse_vector_encoding(j["vectors"].get<std::string>()));
    }
  } catch (const nlohmann::json::exception& e) {
    return Error::invalid(std::string("collection config: ") + e.what());
  }
  LS_TRY(c.validate());
  return c;
}

Status CollectionConfig::validate() const {
  if (chunk_tokens < 16 || chunk_tokens > 8192)
    return Error::invalid("chunk_tokens must be in [16, 8192], got " + std::to_string(chunk_tokens));
  if (chunk_overlap < 0 || chunk_overlap >= chunk_tokens)
    return Error::invalid("chunk_overlap must be in [0, chunk_tokens), got " + std::to_string(chunk_overlap));
  if (!(k1 >= 0 && k1 <= 10)) return Error::invalid("k1 must be in [0, 10], got " + std::to_string(k1));
  if (!(b >= 0 && b <= 1)) return Error::invalid("b must be in [0, 1], got " + std::to_string(b));
  return {};
}

namespace {

constexpr EnumName<SearchMode> kSearchModes[] = {
    {SearchMode::kBm25, "bm25"}, {SearchMode::kDense, "dense"}, {SearchMode::kHybrid, "hybrid"}};
constexpr EnumName<FusionMethod> kFusionMethods[] = {{FusionMethod::kRrf, "rrf"}, {FusionMethod::kWeighted, "weighted"}};

}  // namespace

Result<SearchMode> parse_search_mode(const std::string& name) { return parse_name(kSearchModes, name, "search mode"); }
const char* search_mode_name(SearchMode m) { return name_of(kSearchModes, m); }

Result<FusionMethod> parse_fusion_method(const std::string& name) {
  return parse_name(kFusionMethods, name, "fusion method");
}
const char* fusion_method_name(FusionMethod m) { return name_of(kFusionMethods, m); }

}  // namespace ls::kb
