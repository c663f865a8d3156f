#include "rag/answer_eval.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "kb/knowledge_base.h"
#include "rag/answer_metrics.h"
#include "rag/grounded_prompt.h"
#include "util/strings.h"

namespace ls::rag {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::string fold(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') continue;
    out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  return out;
}

struct Question {
  std::string id, text;
  std::vector<std::string> answers;
};

Result<std::vector<Question>> load_questions(const std::string& dir, size_t limit) {
  std::map<std::string, std::vector<std::string>> answers;
  {
    std::ifstream f(dir + "/answers.jsonl");
    if (!f) return Error::not_found(dir + "/answers.jsonl: not found (eval rag needs a set with answers)");
    std::string line;
    for (int n = 1; std::getline(f, line); ++n) {
      if (line.empty()) continue;
      json j = json::parse(line, nullptr, false);
      if (j.is_discarded() || !j.contains("_id") || !j.contains("answers") || !j["answers"].is_array())
        return Error::invalid(dir + "/answers.jsonl: line " + std::to_string(n) + ": expected {\"_id\", \"answers\": [...]}");
      auto& a = answers[j["_id"].get<std::string>()];
      for (const auto& x : j["answers"])
        if (x.is_string() && !x.get<std::string>().empty()) a.push_back(x.get<std::string>());
    }
  }
  std::vector<Question> out;
  std::ifstream f(dir + "/queries.jsonl");
  if (!f) return Error::not_found(dir + "/queries.jsonl: not found");
  std::string line;
  for (int n = 1; std::getline(f, line); ++n) {
    if (line.empty()) continue;
    json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.contains("_id") || !j.contains("text"))
      return Error::invalid(dir + "/queries.jsonl: line " + std::to_string(n) + ": expected {\"_id\", \"text\"}");
    auto it = answers.find(j["_id"].get<std::string>());
    if (it == answers.end() || it->second.empty()) continue;
    out.push_back({it->first, j["text"].get<std::string>(), it->second});
    if (limit > 0 && out.size() >= limit) break;
  }
  if (out.empty()) return Error::invalid(dir + ": no question has an answer");
  return out;
}

// The question asked as a real grounded answer asks it (same instruction, numbered fenced
// passages), answered by the model, scored in the question's language.
Result<ScoredAnswer> answer_one(const AnswerGenerator& generate, const Question& q, const std::vector<Passage>& passages) {
  const Language language = detect_language(q.text);
  auto generated = generate(grounded_messages({{"user", q.text}}, passages, language));
  if (!generated.ok()) return generated.error().with_context("question " + q.id);
  ScoredAnswer s;
  s.id = q.id;
  s.answer = std::move(generated->answer);
  const AnswerScore score = score_answer(s.answer, q.answers, language);
  s.exact_match = score.exact_match;
  s.f1 = score.f1;
  s.reasoning_closed = generated->reasoning_closed;
  s.reasoning_chars = generated->reasoning.size();
  s.prompt_tokens = generated->prompt_tokens;
  s.completion_tokens = generated->completion_tokens;
  return s;
}

// Sums into the cell (turned into means once every question is in).
void add_answer(AnswerEvalCell& cell, ScoredAnswer s) {
  cell.exact_match += s.exact_match;
  cell.f1 += s.f1;
  cell.mean_completion_tokens += s.completion_tokens;
  if (trim(s.answer).empty()) {
    ++cell.empty_answers;
    if (!s.reasoning_closed) ++cell.unfinished_reasoning;
  }
  cell.answers.push_back(std::move(s));
}

}  // namespace

bool answer_in_text(const std::string& answer, const std::string& text) {
  const std::string a = fold(answer);
  return !a.empty() && fold(text).find(a) != std::string::npos;
}

Result<AnswerEvalResult> evaluate_answer_recall(const AnswerEvalOptions& o) {
  if (o.budgets.empty()) return Error::invalid("at least one context budget is needed");
  for (int b : o.budgets)
    if (b < 16 || b > 1000000) return Error::invalid("context budget " + std::to_string(b) + " is outside [16, 1000000]");
  LS_ASSIGN_OR_RETURN(std::vector<Question> questions, load_questions(o.dataset_dir, o.limit));
  const std::string corpus = o.dataset_dir + "/corpus.jsonl";
  if (!std::filesystem::exists(corpus)) return Error::not_found(corpus + ": not found");

  std::string scratch = o.scratch_dir;
  const bool own = scratch.empty();
  if (own) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "lsrag-eval-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) return Error::io("cannot create a scratch folder in $TMPDIR");
    scratch = tmpl;
  }
  struct Cleanup {
    std::string dir;
    bool active;
    ~Cleanup() {
      std::error_code ec;
      if (active) std::filesystem::remove_all(dir, ec);
    }
  } cleanup{scratch, own};

  AnswerEvalResult result;
  auto t0 = Clock::now();
  LS_ASSIGN_OR_RETURN(auto kb, kb::KnowledgeBase::open(scratch));
  kb->set_embedder(o.embedder);  // with one, chunks get vectors at ingestion
  kb::CollectionConfig cc;
  cc.chunk_tokens = o.chunk_tokens;
  cc.chunk_overlap = o.chunk_overlap;
  LS_TRY(kb->create_collection("eval", cc));
  LS_ASSIGN_OR_RETURN(kb::IngestReport rep, kb->ingest("eval", {corpus}));
  LS_ASSIGN_OR_RETURN(kb::CollectionStats stats, kb->stats("eval"));
  result.documents = stats.documents;
  result.chunks = stats.chunks;
  result.ingest_s = since(t0);
  result.questions = static_cast<int64_t>(questions.size());

  const TokenCounter count = o.count ? o.count : estimate_counter();
  t0 = Clock::now();
  // Results per question and mode, computed once and packed at every budget.
  auto rank_all = [&](RetrievalMode mode) -> Result<std::vector<std::vector<Passage>>> {
    std::vector<std::vector<Passage>> ranked(questions.size());
    for (size_t q = 0; q < questions.size(); ++q) {
      kb::SearchRequest req;
      req.query = questions[q].text;
      req.collection = "eval";
      req.top_k = o.top_k;
      req.mode = mode == RetrievalMode::kDense    ? kb::SearchMode::kDense
                 : mode == RetrievalMode::kHybrid ? kb::SearchMode::kHybrid
                                                  : kb::SearchMode::kBm25;
      LS_ASSIGN_OR_RETURN(std::vector<kb::SearchHit> hits, kb->search(req));
      for (auto& h : hits)
        ranked[q].push_back({"kb", h.title, h.source, "eval", h.document_id, h.chunk_id, std::move(h.text), h.score});
    }
    return ranked;
  };
  for (RetrievalMode mode : o.modes) {
    const RetrievalMode run = o.embedder ? mode : RetrievalMode::kBm25;
    std::vector<std::vector<Passage>> ranked;
    if (mode != RetrievalMode::kDense || o.embedder) {
      LS_ASSIGN_OR_RETURN(ranked, rank_all(run));
    }
    for (int budget : o.budgets) {
      AnswerEvalCell cell;
      cell.mode = mode;
      cell.budget = budget;
      if (mode == RetrievalMode::kDense && !o.embedder) {
        cell.available = false;
        cell.note = "unavailable: no embedding model";
        result.cells.push_back(cell);
        continue;
      }
      if (mode == RetrievalMode::kHybrid && !o.embedder) cell.note = "no embedding model: bm25 only";
      int64_t hits = 0;
      double passages = 0, tokens = 0;
      const auto t_gen = Clock::now();
      for (size_t q = 0; q < questions.size(); ++q) {
        PackOptions po;
        po.budget_tokens = budget;
        po.max_passages = o.top_k;
        Packed packed = pack_context(ranked[q], po, count, render_passage);
        std::string context;
        for (const auto& p : packed.passages) context += p.text + "\n";
        bool hit = false;
        for (const auto& a : questions[q].answers) hit = hit || answer_in_text(a, context);
        hits += hit;
        passages += static_cast<double>(packed.passages.size());
        tokens += packed.tokens;
        if (o.generate) {
          LS_ASSIGN_OR_RETURN(ScoredAnswer scored, answer_one(o.generate, questions[q], packed.passages));
          add_answer(cell, std::move(scored));
          if (o.progress) o.progress(retrieval_mode_name(mode), budget, q + 1, questions.size());
        }
      }
      const double n = static_cast<double>(questions.size());
      cell.answer_in_context = static_cast<double>(hits) / n;
      cell.mean_passages = passages / n;
      cell.mean_tokens = tokens / n;
      if (o.generate) {
        cell.generated = true;
        cell.exact_match /= n;
        cell.f1 /= n;
        cell.mean_completion_tokens /= n;
        cell.generate_s = since(t_gen);
      }
      result.cells.push_back(cell);
    }
  }
  result.eval_s = since(t0);
  (void)rep;
  return result;
}

}  // namespace ls::rag
