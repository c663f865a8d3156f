// A model's chat template (GGUF `tokenizer.chat_template`) rendered as Hugging Face
// transformers' apply_chat_template does: trim_blocks + lstrip_blocks, loop controls,
// tojson(ensure_ascii=False), raise_exception, strftime_now.
#pragma once

#include <nlohmann/json.hpp>

#include <ctime>
#include <functional>
#include <string>

#include "chat/jinja_template.h"
#include "util/error.h"

namespace ls::chat {

class ChatTemplate {
 public:
  // Parses once; render() may then be called any number of times (and concurrently).
  static Result<ChatTemplate> parse(const std::string& source);

  // messages: array of {role, content, tool_calls?, …}; tools_or_null: array of tool schemas,
  // or null to leave `tools` undefined; extra: object of additional variables (e.g.
  // enable_thinking), which the standard ones override. Key order in objects is kept
  // (ordered_json), which matters for `tojson` output; the nlohmann::json overload has its keys
  // sorted by the library.
  Result<std::string> render(const nlohmann::ordered_json& messages, bool add_generation_prompt,
                             const nlohmann::ordered_json& tools_or_null, const std::string& bos_token,
                             const std::string& eos_token,
                             const nlohmann::ordered_json& extra = nlohmann::ordered_json::object()) const;
  Result<std::string> render(const nlohmann::json& messages, bool add_generation_prompt,
                             const nlohmann::json& tools_or_null, const std::string& bos_token,
                             const std::string& eos_token, const nlohmann::json& extra) const;

  // strftime_now() reads this clock (local time); default: the system clock.
  void set_clock(std::function<std::tm()> now) { options_.now = std::move(now); }
  void set_limits(const RenderLimits& limits) { options_.limits = limits; }

 private:
  JinjaTemplate template_;
  RenderOptions options_;
};

}  // namespace ls::chat
