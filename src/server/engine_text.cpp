#include "server/engine_text.h"

#include <filesystem>

namespace ls::server {
namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

std::string bos_text(const tok::Tokenizer& tok) {
  const tok::Vocab& v = tok.vocab();
  return v.valid(v.bos) ? std::string(tok.piece(v.bos, true)) : std::string();
}

}  // namespace

Result<runtime::GenerateOptions> engine_options(const GenerationRequest& r) {
  runtime::GenerateOptions o;
  o.max_tokens = r.max_tokens;
  o.stop = r.stop;
  o.stop_at_eog = !r.ignore_eos;
  const SamplingParams& s = r.sampling;
  if (s.temperature) o.sampling.temperature = static_cast<float>(*s.temperature);
  if (s.top_p) o.sampling.top_p = static_cast<float>(*s.top_p);
  if (s.top_k) o.sampling.top_k = *s.top_k;
  if (s.min_p) o.sampling.min_p = static_cast<float>(*s.min_p);
  if (s.seed) {
    o.sampling.seed = static_cast<uint64_t>(*s.seed);
    o.sampling.has_seed = true;
  }
  o.sampling.repeat_penalty = static_cast<float>(s.repetition_penalty);
  o.sampling.presence_penalty = static_cast<float>(s.presence_penalty);
  o.sampling.frequency_penalty = static_cast<float>(s.frequency_penalty);
  LS_TRY(o.sampling.validate());
  return o;
}

FinishReason finish_of(runtime::StopReason r) {
  switch (r) {
    case runtime::StopReason::kLength:
    case runtime::StopReason::kContextFull: return FinishReason::kLength;
    case runtime::StopReason::kEndOfGeneration:
    case runtime::StopReason::kStopString: return FinishReason::kStop;
    case runtime::StopReason::kCancelled: return FinishReason::kCancelled;
  }
  return FinishReason::kStop;
}

ModelInfo session_model_info(const std::string& model_path, int context_length,
                             std::chrono::steady_clock::time_point start) {
  ModelInfo info;
  const std::filesystem::path path(model_path);
  info.id = path.stem().string();
  std::error_code ec;
  const auto mtime = std::filesystem::last_write_time(path, ec);
  if (!ec) {
    info.created = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::file_clock::to_sys(mtime).time_since_epoch())
                       .count();
  }
  info.context_length = context_length;
  info.load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return info;
}

Result<std::vector<int32_t>> session_tokenize(const runtime::Session& s, std::string_view text, bool add_special,
                                              bool parse_special) {
  tok::TokenizeOptions o;
  o.add_special = add_special;
  o.parse_special = parse_special;
  return s.tokenizer().tokenize(text, o);
}

Result<std::string> session_detokenize(const runtime::Session& s, const std::vector<int32_t>& tokens) {
  const tok::Vocab& v = s.tokenizer().vocab();
  for (size_t i = 0; i < tokens.size(); ++i)
    if (!v.valid(tokens[i]))
      return Error::invalid("tokens[" + std::to_string(i) + "]: id " + std::to_string(tokens[i]) +
                            " is outside the vocabulary (0.." + std::to_string(v.size() - 1) + ")");
  return s.tokenizer().detokenize(tokens);
}

Result<std::string> session_token_piece(const runtime::Session& s, int32_t token) {
  const tok::Vocab& v = s.tokenizer().vocab();
  if (!v.valid(token)) return Error::invalid("token id " + std::to_string(token) + " is outside the vocabulary");
  return std::string(s.tokenizer().piece(token, true));
}

Result<RenderedPrompt> session_render_chat(const runtime::Session& s, const std::vector<ChatMessage>& messages) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& m : messages) list.push_back({{"role", m.role}, {"content", m.content}});
  RenderedPrompt r;
  auto ids = s.chat_prompt(list, &r.text);
  if (!ids.ok()) return ids.error();
  // R1's later template ends the prompt inside an opened think block.
  std::string_view tail = r.text;
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == ' ')) tail.remove_suffix(1);
  r.opens_reasoning = tail.size() >= 7 && tail.substr(tail.size() - 7) == "<think>";
  return r;
}

Result<std::vector<int32_t>> request_prompt_ids(const runtime::Session& s, const GenerationRequest& r, int n_ctx,
                                                const std::string& limit_note) {
  const tok::Tokenizer& tok = s.tokenizer();
  tok::TokenizeOptions o;
  // A prompt that already starts with the BOS text (chat templates write it) gets no second one.
  const std::string bos = bos_text(tok);
  o.add_special = bos.empty() || !starts_with(r.prompt, bos);
  LS_ASSIGN_OR_RETURN(std::vector<int32_t> prompt, tok.tokenize(r.prompt, o));
  const int64_t n_prompt = static_cast<int64_t>(prompt.size());
  if (n_prompt >= n_ctx)
    return Error::limit("the prompt is " + std::to_string(n_prompt) + " tokens, the context holds " +
                        std::to_string(n_ctx) + " (" + limit_note + ")");
  if (r.max_tokens > 0 && n_prompt + r.max_tokens > n_ctx)
    return Error::limit("the prompt (" + std::to_string(n_prompt) + " tokens) and max_tokens (" +
                        std::to_string(r.max_tokens) + ") need " + std::to_string(n_prompt + r.max_tokens) +
                        " positions, the context holds " + std::to_string(n_ctx) + " (" + limit_note + ")");
  return prompt;
}

}  // namespace ls::server
