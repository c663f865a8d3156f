// The grounded prompt: an instruction in the user's language to answer from the numbered passages
// and cite them as [n], then the passages fenced as quoted data. The prompt-injection policy
// (docs/rag.md): retrieved text is data, never instructions; each passage sits between
// <<<PASSAGE n>>> and <<<END n>>> markers, and any "<<<" or ">>>" inside a passage (or its title or
// source) is broken up so a page cannot close its fence and speak as the system.
#pragma once

#include <string>
#include <vector>

#include "rag/conversation.h"
#include "rag/passage.h"

namespace ls::rag {

// "<<<" and ">>>" broken up with a space; applied until none is left.
std::string escape_fences(std::string text);

// One passage as it appears in the prompt.
std::string render_passage(size_t n, const Passage& p);

std::string grounding_instruction(Language language, bool have_passages);

// The conversation with the instruction and passages put in front of the last user turn (DeepSeek-R1
// works best with everything in the user turn, no system prompt). No user turn: unchanged.
std::vector<Message> grounded_messages(const std::vector<Message>& messages, const std::vector<Passage>& passages,
                                       Language language);

}  // namespace ls::rag
