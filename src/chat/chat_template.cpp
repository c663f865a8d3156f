#include "chat/chat_template.h"

namespace ls::chat {
namespace {

// Same values, in the library's (sorted) key order.
nlohmann::ordered_json to_ordered(const nlohmann::json& j) {
  if (j.is_object()) {
    nlohmann::ordered_json o = nlohmann::ordered_json::object();
    for (auto it = j.begin(); it != j.end(); ++it) o[it.key()] = to_ordered(it.value());
    return o;
  }
  if (j.is_array()) {
    nlohmann::ordered_json a = nlohmann::ordered_json::array();
    for (const auto& e : j) a.push_back(to_ordered(e));
    return a;
  }
  switch (j.type()) {
    case nlohmann::json::value_t::null: return nullptr;
    case nlohmann::json::value_t::boolean: return j.get<bool>();
    case nlohmann::json::value_t::number_integer: return j.get<int64_t>();
    case nlohmann::json::value_t::number_unsigned: return j.get<uint64_t>();
    case nlohmann::json::value_t::number_float: return j.get<double>();
    case nlohmann::json::value_t::string: return j.get<std::string>();
    default: return nullptr;
  }
}

}  // namespace

Result<ChatTemplate> ChatTemplate::parse(const std::string& source) {
  LS_ASSIGN_OR_RETURN(JinjaTemplate t, JinjaTemplate::parse(source));
  ChatTemplate c;
  c.template_ = std::move(t);
  return c;
}

Result<std::string> ChatTemplate::render(const nlohmann::ordered_json& messages, bool add_generation_prompt,
                                         const nlohmann::ordered_json& tools_or_null, const std::string& bos_token,
                                         const std::string& eos_token, const nlohmann::ordered_json& extra) const {
  if (!messages.is_array()) return Error::invalid("chat template: 'messages' must be an array");
  if (!extra.is_null() && !extra.is_object()) return Error::invalid("chat template: extra context must be an object");
  ContainerScope scope;  // the context built here is the render's own: released with it
  Value ctx = Value::dict();
  Dict& d = ctx.dict_ref();
  if (extra.is_object())
    for (auto it = extra.begin(); it != extra.end(); ++it) d.set(Value(it.key()), from_json(it.value()));
  d.set(Value("messages"), from_json(messages));
  d.set(Value("add_generation_prompt"), Value(add_generation_prompt));
  if (!tools_or_null.is_null()) d.set(Value("tools"), from_json(tools_or_null));
  d.set(Value("bos_token"), Value(bos_token));
  d.set(Value("eos_token"), Value(eos_token));
  return template_.render(ctx, options_);
}

Result<std::string> ChatTemplate::render(const nlohmann::json& messages, bool add_generation_prompt,
                                         const nlohmann::json& tools_or_null, const std::string& bos_token,
                                         const std::string& eos_token, const nlohmann::json& extra) const {
  return render(to_ordered(messages), add_generation_prompt, to_ordered(tools_or_null), bos_token, eos_token,
                to_ordered(extra));
}

}  // namespace ls::chat
