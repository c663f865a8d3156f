#include "runtime/stop.h"

#include <algorithm>
#include <array>

namespace ls::runtime {

std::vector<int32_t> end_of_generation_ids(const gguf::File& file, const tok::Tokenizer& tok) {
  std::vector<int32_t> ids;
  const tok::Vocab& v = tok.vocab();
  auto add = [&](int64_t id) {
    if (id >= 0 && id < static_cast<int64_t>(v.size()) &&
        std::find(ids.begin(), ids.end(), static_cast<int32_t>(id)) == ids.end()) {
      ids.push_back(static_cast<int32_t>(id));
    }
  };
  add(v.eos);
  for (const char* key : {"tokenizer.ggml.eot_token_id", "tokenizer.ggml.eom_token_id"}) {
    auto id = file.get_int_or(key, -1);
    if (id.ok()) add(*id);
  }
  static constexpr std::array<std::string_view, 9> kMarkers = {
      "<|eot_id|>", "<|im_end|>", "<|end|>", "<|endoftext|>", "<end_of_turn>", "<|end_of_text|>",
      "<|eom_id|>", "<｜end▁of▁sentence｜>", "<|return|>"};
  for (std::string_view m : kMarkers) {
    const tok::TokenId id = v.find(m);
    if (id != tok::kNoToken && v.type(id) == tok::TokenType::kControl) add(id);
  }
  return ids;
}

StopStrings::StopStrings(std::vector<std::string> stops) : stops_(std::move(stops)) {
  std::erase_if(stops_, [](const std::string& s) { return s.empty(); });
  for (const auto& s : stops_) max_len_ = std::max(max_len_, s.size());
}

StopStrings::Step StopStrings::push(std::string_view text) {
  Step step;
  pending_.append(text);
  if (stops_.empty()) {
    step.emit.swap(pending_);
    return step;
  }
  // Earliest complete stop string wins.
  size_t cut = std::string::npos;
  for (const auto& s : stops_) cut = std::min(cut, pending_.find(s));
  if (cut != std::string::npos) {
    step.emit = pending_.substr(0, cut);
    step.stopped = true;
    pending_.clear();
    return step;
  }
  // Hold back the longest tail that is a prefix of some stop string.
  size_t hold = 0;
  for (const auto& s : stops_) {
    for (size_t k = std::min(s.size() - 1, pending_.size()); k > hold; --k) {
      if (pending_.compare(pending_.size() - k, k, s, 0, k) == 0) {
        hold = k;
        break;
      }
    }
  }
  step.emit = pending_.substr(0, pending_.size() - hold);
  pending_.erase(0, pending_.size() - hold);
  return step;
}

std::string StopStrings::flush() {
  std::string out;
  out.swap(pending_);
  return out;
}

}  // namespace ls::runtime
