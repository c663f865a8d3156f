// Reading llama.cpp's tokenizer test vectors (../shared/golden/tokenizer/README.md).
#pragma once

#include <string>
#include <vector>

#include "tokenizer/vocab.h"
#include "util/strings.h"

namespace ls::tok::golden {

struct GoldenCase {
  std::string text;
  std::vector<TokenId> ids;
};

// `.inp` texts separated by "\n__ggml_vocab_test__\n" (the file ends with one), `.out` one line
// of space-prefixed ids per text.
inline std::vector<GoldenCase> read_golden(const std::string& inp_path,
                                           const std::string& out_path) {
  std::vector<GoldenCase> cases;
  auto inp = read_file(inp_path);
  auto out = read_file(out_path);
  if (!inp.ok() || !out.ok()) return cases;
  std::vector<std::string> texts = split(*inp, "\n__ggml_vocab_test__\n");
  if (!texts.empty() && texts.back().empty()) texts.pop_back();
  std::vector<std::string> lines = split(*out, "\n");
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  for (size_t i = 0; i < texts.size() && i < lines.size(); ++i) {
    GoldenCase c;
    c.text = texts[i];
    for (const std::string& f : split(lines[i], " ")) {
      if (!f.empty()) c.ids.push_back(static_cast<TokenId>(std::stol(f)));
    }
    cases.push_back(std::move(c));
  }
  if (texts.size() != lines.size()) cases.clear();  // malformed pair: the caller reports 0 cases
  return cases;
}

inline std::string ids_to_string(const std::vector<TokenId>& ids) {
  std::string s;
  for (TokenId id : ids) {
    s.push_back(' ');
    s.append(std::to_string(id));
  }
  return s;
}

}  // namespace ls::tok::golden
