// `localseek tokenize -m MODEL [--json] [--ids-only] [--no-bos] [--no-special] TEXT`: the token ids
// (and their pieces) a model's tokenizer gives for TEXT, with llama-tokenize's defaults: BOS/EOS as
// the vocabulary asks, special tokens written in the text parsed as such.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/command.h"
#include "tokenizer/tokenizer.h"
#include "util/utf8.h"

namespace ls::cli {
namespace {

struct TokenizeArgs {
  std::string model;
  std::string text;
  bool json = false;
  bool ids_only = false;
  bool no_bos = false;
  bool no_special = false;
};

std::string read_stdin() {
  std::string s;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, stdin)) > 0) s.append(buf, n);
  return s;
}

// Pieces for a terminal: control characters and bytes that are not (yet) a whole UTF-8 character
// are shown as escapes, so one token is always one readable line.
std::string printable(std::string_view piece) {
  std::string out;
  for (size_t i = 0; i < piece.size();) {
    const auto c = static_cast<unsigned char>(piece[i]);
    const size_t before = i;
    char esc[8];
    if (c == '\n') { out += "\\n"; ++i; continue; }
    if (c == '\r') { out += "\\r"; ++i; continue; }
    if (c == '\t') { out += "\\t"; ++i; continue; }
    if (c < 0x20 || c == 0x7F) {
      std::snprintf(esc, sizeof esc, "\\x%02X", c);
      out += esc;
      ++i;
      continue;
    }
    const char32_t cp = utf8::decode_one(piece, i);
    if (cp == utf8::kReplacement && !(i - before == 3 && c == 0xEF)) {
      for (size_t k = before; k < i; ++k) {
        std::snprintf(esc, sizeof esc, "\\x%02X", static_cast<unsigned char>(piece[k]));
        out += esc;
      }
    } else {
      out.append(piece.substr(before, i - before));
    }
  }
  return out;
}

int run(const TokenizeArgs& a) {
  auto tok = tok::Tokenizer::open(a.model);
  if (!tok.ok()) return report_error(tok.error().message);
  const std::string text = a.text == "-" ? read_stdin() : a.text;
  tok::TokenizeOptions opts;
  opts.add_special = !a.no_bos;
  opts.parse_special = !a.no_special;
  auto ids = tok->tokenize(text, opts);
  if (!ids.ok()) return report_error(ids.error().message);

  if (a.json) {
    nlohmann::json j;
    j["ids"] = *ids;
    nlohmann::json pieces = nlohmann::json::array();
    for (tok::TokenId id : *ids) pieces.push_back(utf8::sanitize(tok->piece(id, true)));
    j["pieces"] = std::move(pieces);
    j["count"] = ids->size();
    std::printf("%s\n", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  } else if (a.ids_only) {
    std::string line = "[";
    for (size_t i = 0; i < ids->size(); ++i) {
      if (i) line += ", ";
      line += std::to_string((*ids)[i]);
    }
    std::printf("%s]\n", line.c_str());
  } else {
    for (tok::TokenId id : *ids) {
      std::printf("%6d -> '%s'\n", id, printable(tok->piece(id, true)).c_str());
    }
  }
  return 0;
}

const Registrar kTokenize{
    {"tokenize", "Show the token ids (and pieces) a model's tokenizer gives for a text",
     [](CLI::App& sub) -> std::function<int()> {
       auto a = std::make_shared<TokenizeArgs>();
       sub.add_option("-m,--model", a->model, "GGUF model or vocabulary file")->required();
       sub.add_option("text", a->text, "Text to tokenize; '-' reads standard input exactly")
           ->required();
       sub.add_flag("--json", a->json, "Print {\"ids\": [...], \"pieces\": [...], \"count\": n}");
       sub.add_flag("--ids-only", a->ids_only, "Print only the ids, as [1, 2, 3]");
       sub.add_flag("--no-bos", a->no_bos, "Do not add BOS/EOS (or [CLS]/[SEP]) tokens");
       sub.add_flag("--no-special", a->no_special,
                    "Treat control tokens written in the text (e.g. <|im_start|>) as plain text");
       sub.footer(
           "Pieces are the bytes each token stands for; partial UTF-8 characters are shown as "
           "\\xNN.\nExample: localseek tokenize -m model.gguf --json 'Hello world'\n");
       return [a] { return run(*a); };
     }}};

}  // namespace
}  // namespace ls::cli
