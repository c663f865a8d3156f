// `localseek template render`: render a chat template (a .jinja file) with a conversation, for
// debugging templates and the interpreter. `localseek template check` only parses.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

#include "chat/chat_template.h"
#include "cli/command.h"
#include "gguf/gguf_file.h"
#include "util/strings.h"

namespace ls::cli {
namespace {

struct TemplateOptions {
  std::string template_path;
  std::string context_path;
  std::string bos;
  std::string eos;
  std::string now;
  bool no_generation_prompt = false;
  bool json = false;
};

Result<std::tm> parse_now(const std::string& text) {
  std::tm tm{};
  int y, mo, d, h = 0, mi = 0, s = 0;
  const int n = std::sscanf(text.c_str(), "%d-%d-%d %d:%d:%d", &y, &mo, &d, &h, &mi, &s);
  if (n != 3 && n != 6) return Error::invalid("--now: expected 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM:SS', got '" + text + "'");
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  tm.tm_isdst = -1;
  std::tm copy = tm;
  std::time_t t = std::mktime(&copy);  // fills in the weekday and day of the year
  if (t == -1) return Error::invalid("--now: not a valid date: '" + text + "'");
  return copy;
}

// A .jinja file, or a GGUF model/vocabulary whose tokenizer.chat_template is used.
Result<std::string> load_template(const std::string& path) {
  LS_ASSIGN_OR_RETURN(std::string text, read_file(path));
  if (text.compare(0, 4, "GGUF") != 0) return text;
  LS_ASSIGN_OR_RETURN(gguf::File file, gguf::File::open(path));
  auto source = file.get_string("tokenizer.chat_template");
  if (!source.ok()) return Error::not_found(path + ": no tokenizer.chat_template in this GGUF");
  return source;
}

int run_render(const TemplateOptions& o) {
  auto source = load_template(o.template_path);
  if (!source.ok()) return report_error(source.error().message);
  auto tmpl = chat::ChatTemplate::parse(*source);
  if (!tmpl.ok()) return report_error(o.template_path + ": " + tmpl.error().message);
  auto text = read_file(o.context_path);
  if (!text.ok()) return report_error(text.error().message);
  nlohmann::ordered_json doc;
  try {
    doc = nlohmann::ordered_json::parse(*text);
  } catch (const std::exception& e) {
    return report_error(o.context_path + ": not valid JSON: " + e.what());
  }
  // Accepts a golden case file ({context, bos_token, eos_token}) or a bare context object.
  std::string bos = o.bos, eos = o.eos;
  if (doc.contains("context")) {
    if (bos.empty() && doc.contains("bos_token") && doc["bos_token"].is_string()) bos = doc["bos_token"];
    if (eos.empty() && doc.contains("eos_token") && doc["eos_token"].is_string()) eos = doc["eos_token"];
    doc = doc["context"];
  }
  if (!doc.is_object() || !doc.contains("messages"))
    return report_error(o.context_path + ": expected an object with a 'messages' array");
  if (!o.now.empty()) {
    auto now = parse_now(o.now);
    if (!now.ok()) return report_error(now.error().message);
    const std::tm fixed = *now;
    tmpl->set_clock([fixed] { return fixed; });
  }
  nlohmann::ordered_json extra = nlohmann::ordered_json::object();
  for (auto it = doc.begin(); it != doc.end(); ++it)
    if (it.key() != "messages" && it.key() != "tools" && it.key() != "add_generation_prompt") extra[it.key()] = it.value();
  const bool add_gen = o.no_generation_prompt ? false : doc.value("add_generation_prompt", true);
  auto out = tmpl->render(doc["messages"], add_gen, doc.contains("tools") ? doc["tools"] : nlohmann::ordered_json(),
                          bos, eos, extra);
  if (!out.ok()) return report_error(out.error().message);
  if (o.json) {
    std::printf("%s\n", nlohmann::ordered_json{{"rendered", *out}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  } else {
    std::fwrite(out->data(), 1, out->size(), stdout);
  }
  return 0;
}

int run_check(const std::vector<std::string>& paths, bool json) {
  int failed = 0;
  nlohmann::ordered_json results = nlohmann::ordered_json::array();
  for (const std::string& p : paths) {
    auto source = load_template(p);
    std::string error;
    if (!source.ok()) error = source.error().message;
    else if (auto t = chat::ChatTemplate::parse(*source); !t.ok()) error = t.error().message;
    if (!error.empty()) ++failed;
    if (json) results.push_back({{"template", p}, {"ok", error.empty()}, {"error", error}});
    else if (error.empty()) std::printf("ok    %s\n", p.c_str());
    else std::printf("FAIL  %s: %s\n", p.c_str(), error.c_str());
  }
  if (json) std::printf("%s\n", results.dump(2).c_str());
  else std::printf("%zu/%zu templates parse\n", paths.size() - static_cast<size_t>(failed), paths.size());
  return failed == 0 ? 0 : 1;
}

const Registrar kTemplate{
    {"template", "Render or check a Jinja chat template (debugging)", [](CLI::App& sub) -> std::function<int()> {
       auto o = std::make_shared<TemplateOptions>();
       auto check_paths = std::make_shared<std::vector<std::string>>();
       auto check_json = std::make_shared<bool>(false);
       sub.require_subcommand(1);
       CLI::App* render = sub.add_subcommand("render", "Render a template with a conversation and print the prompt");
       render->add_option("template", o->template_path, "The .jinja file, or a .gguf whose tokenizer.chat_template to use")->required()->check(CLI::ExistingFile);
       render->add_option("context", o->context_path,
                          "JSON file: {messages, add_generation_prompt?, tools?, …} or a golden case "
                          "{context, bos_token, eos_token}")
           ->required()
           ->check(CLI::ExistingFile);
       render->add_option("--bos", o->bos, "bos_token value");
       render->add_option("--eos", o->eos, "eos_token value");
       render->add_option("--now", o->now, "Fixed time for strftime_now: 'YYYY-MM-DD [HH:MM:SS]'");
       render->add_flag("--no-generation-prompt", o->no_generation_prompt, "Render with add_generation_prompt=false");
       render->add_flag("--json", o->json, "Print {\"rendered\": …} as JSON");
       CLI::App* check = sub.add_subcommand("check", "Parse templates and report the ones this interpreter rejects");
       check->add_option("templates", *check_paths, "The .jinja (or .gguf) files")->required();
       check->add_flag("--json", *check_json, "Print the results as JSON");
       return [o, render, check, check_paths, check_json]() -> int {
         if (render->parsed()) return run_render(*o);
         if (check->parsed()) return run_check(*check_paths, *check_json);
         return report_error("template: expected a subcommand: render or check");
       };
     }}};

}  // namespace
}  // namespace ls::cli
