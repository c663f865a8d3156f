#include "rag/query_rewrite.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <set>

#include "util/log.h"
#include "util/strings.h"
#include "util/utf8.h"

namespace ls::rag {
namespace {

constexpr size_t kTurnsShown = 6;
constexpr size_t kTurnBytes = 600;

std::string cut(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  size_t n = max_bytes;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return std::string(s.substr(0, n)) + "…";
}

bool is_han(char32_t c) { return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0xF900 && c <= 0xFAFF); }

// Words that say nothing about the subject: a garbage line made of these must not pass as related.
bool filler(const std::string& w) {
  static const std::set<std::string> kWords = {
      "the", "and", "for", "are", "was", "were", "what", "who", "how", "why", "when", "where", "which", "with",
      "does", "did", "has", "have", "had", "its", "this", "that", "there", "about", "from", "into", "you", "can",
      "not", "but", "than", "then", "them", "they", "their", "is", "of", "to", "in", "on", "at", "by", "an", "or",
      "as", "be", "it", "do", "so", "if", "no"};
  static const std::set<std::string> kHan = {"的", "是", "了", "在", "和", "吗", "呢", "什", "么", "有", "这", "那",
                                             "个", "它", "他", "她", "我", "你", "哪", "谁", "怎", "样"};
  return kWords.count(w) > 0 || kHan.count(w) > 0;
}

// Lowercased ASCII words (2+ characters) and single Han characters, fillers dropped.
std::set<std::string> terms(std::string_view text) {
  std::set<std::string> out;
  std::string word;
  auto flush = [&] {
    if (word.size() >= 2 && !filler(word)) out.insert(word);
    word.clear();
  };
  for (size_t i = 0; i < text.size();) {
    const char32_t c = utf8::decode_one(text, i);
    if (c < 0x80 && std::isalnum(static_cast<int>(c))) {
      word += static_cast<char>(std::tolower(static_cast<int>(c)));
      continue;
    }
    flush();
    if (is_han(c)) {
      const std::string h = utf8::encode(c);
      if (!filler(h)) out.insert(h);
    }
  }
  flush();
  return out;
}

std::string strip_label(std::string s) {
  static constexpr std::array<std::string_view, 8> kLabels = {"search query:", "query:", "search:", "搜索查询：",
                                                              "搜索查询:", "查询：", "查询:", "搜索："};
  const std::string lower = to_lower_ascii(s);
  for (auto label : kLabels)
    if (lower.starts_with(label)) return std::string(trim(std::string_view(s).substr(label.size())));
  return s;
}

std::string strip_quotes(std::string s) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kPairs = {{
      {"\"", "\""}, {"'", "'"}, {"`", "`"}, {"“", "”"}, {"「", "」"}, {"《", "》"}}};
  for (auto [open, close] : kPairs)
    if (s.size() >= open.size() + close.size() && s.starts_with(open) && s.ends_with(close))
      return std::string(trim(std::string_view(s).substr(open.size(), s.size() - open.size() - close.size())));
  return s;
}

}  // namespace

std::vector<Message> query_rewrite_prompt(const std::vector<Message>& conversation) {
  std::vector<const Message*> turns;
  for (const auto& m : conversation)
    if ((m.role == "user" || m.role == "assistant") && !trim(m.content).empty()) turns.push_back(&m);
  if (turns.size() > kTurnsShown) turns.erase(turns.begin(), turns.end() - kTurnsShown);
  Language language = Language::kEnglish;
  for (auto it = turns.rbegin(); it != turns.rend(); ++it)
    if ((*it)->role == "user") {
      language = detect_language((*it)->content);
      break;
    }
  const bool zh = language == Language::kChinese;
  std::string text = zh ? "请为下面对话中用户的最后一个问题写一个可以单独使用的搜索查询：用前面的对话补全代词和省略的内容。"
                          "只回复查询本身，一行，不要引号，不要解释。\n\n对话：\n"
                        : "Write one standalone search query for the user's last message in the conversation below. "
                          "Resolve pronouns and omissions from the earlier turns. Reply with the query only, on one "
                          "line, without quotes or explanations.\n\nConversation:\n";
  for (const Message* m : turns) {
    const bool user = m->role == "user";
    text += zh ? (user ? "用户：" : "助手：") : (user ? "User: " : "Assistant: ");
    std::string content = cut(trim(m->content), kTurnBytes);
    std::replace(content.begin(), content.end(), '\n', ' ');
    text += content + "\n";
  }
  text += zh ? "\n搜索查询：" : "\nSearch query:";
  return {{"user", text}};
}

Result<std::string> parse_rewritten_query(std::string_view answer, const std::vector<Message>& conversation) {
  std::string line;
  for (const auto& l : split(std::string(answer), "\n")) {
    if (!trim(l).empty()) {
      line = std::string(trim(l));
      break;
    }
  }
  line = strip_quotes(strip_label(line));
  if (line.empty()) return Error::invalid("the model gave an empty query");
  if (line.size() > kRewriteMaxBytes)
    return Error::invalid("the model's query is longer than " + std::to_string(kRewriteMaxBytes) + " bytes");
  if (!utf8::is_valid(line)) return Error::invalid("the model's query is not valid UTF-8");
  for (unsigned char c : line)
    if (c < 0x20 && c != '\t') return Error::invalid("the model's query holds control characters");
  if (line.find("<think>") != std::string::npos || line.find("</think>") != std::string::npos)
    return Error::invalid("the model's query holds reasoning tags");
  std::set<std::string> context;
  for (const auto& m : conversation)
    if (m.role == "user") context.merge(terms(m.content));
  const std::set<std::string> mine = terms(line);
  if (std::none_of(mine.begin(), mine.end(), [&](const std::string& t) { return context.count(t) > 0; }))
    return Error::invalid("the model's query '" + cut(line, 80) + "' shares no word with the conversation");
  return line;
}

QueryChoice choose_query(const std::vector<Message>& conversation, const QueryModel* model) {
  QueryChoice c;
  c.query = search_query(conversation);
  if (model == nullptr || !*model || c.query.empty()) return c;
  const auto t0 = std::chrono::steady_clock::now();
  auto answer = (*model)(query_rewrite_prompt(conversation));
  c.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  Result<std::string> query = answer.ok() ? parse_rewritten_query(*answer, conversation) : Result<std::string>(answer.error());
  if (!query.ok()) {
    c.warning = "query rewrite by the model not used (" + query.error().message + "); searched with the query from " +
                "the conversation instead";
    return c;
  }
  c.query = std::move(query).value();
  c.rewritten = true;
  log::info("rag: search query rewritten by the model: " + c.query);
  return c;
}

}  // namespace ls::rag
