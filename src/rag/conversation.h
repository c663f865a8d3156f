// From a conversation to what retrieval needs: the search query and the user's language.
#pragma once

#include <string>
#include <vector>

namespace ls::rag {

struct Message {
  std::string role;  // system | user | assistant
  std::string content;
};

enum class Language { kEnglish, kChinese };

// The last user turn; when it is short or leans on an earlier turn ("what about it?", "它呢？"),
// the previous user turn is prepended so the query carries its subject. Empty: no user turn.
std::string search_query(const std::vector<Message>& messages);

// Chinese when Han characters make up a fair share of the letters, else English.
Language detect_language(const std::string& text);
const char* language_code(Language l);  // "zh" | "en"

}  // namespace ls::rag
