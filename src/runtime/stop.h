// When generation ends: end-of-generation tokens (EOS/EOT/EOM from the vocabulary and metadata)
// and stop strings. Text is released only once it can no longer turn out to start a stop string,
// so a streamed reply never shows part of one.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gguf/gguf_file.h"
#include "tokenizer/tokenizer.h"

namespace ls::runtime {

// The ids that end a reply: eos/eot/eom ids from `tokenizer.ggml.*` plus control tokens whose
// text is a well-known end-of-turn marker (what llama.cpp treats as end-of-generation).
std::vector<int32_t> end_of_generation_ids(const gguf::File& file, const tok::Tokenizer& tok);

class StopStrings {
 public:
  explicit StopStrings(std::vector<std::string> stops = {});

  struct Step {
    std::string emit;   // text that is final now
    bool stopped = false;  // a stop string was completed (it and anything after are dropped)
  };
  // Adds newly decoded text.
  Step push(std::string_view text);
  // End of generation: whatever was held back.
  std::string flush();

 private:
  std::vector<std::string> stops_;
  std::string pending_;
  size_t max_len_ = 0;
};

}  // namespace ls::runtime
