// Tokenizer throughput: tokenizes about 1 MB of mixed text (Chinese Wikipedia paragraphs from
// cmrc2018, English abstracts from scifact, C++ source of this repository, in equal parts and
// interleaved in 4 KB blocks) with a byte-level BPE, a SentencePiece and a WordPiece vocabulary,
// and prints MB/s and tokens/s. "cold" is the first pass (empty word cache), "warm" the best of
// the following passes.
//
// usage: tokenizer_bench [--shared DIR] [--source DIR] [--bytes N] [--runs N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tokenizer/tokenizer.h"
#include "util/strings.h"
#include "util/utf8.h"

namespace {

namespace fs = std::filesystem;
using ls::tok::Tokenizer;

// Concatenated "text" fields of a JSONL corpus, up to `limit` bytes.
std::string corpus_text(const std::string& path, size_t limit) {
  std::string out;
  auto data = ls::read_file(path);
  if (!data.ok()) return out;
  for (const std::string& line : ls::split(*data, "\n")) {
    if (out.size() >= limit) break;
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object() || !j.contains("text")) continue;
    out += j["title"].is_string() ? j["title"].get<std::string>() + "\n" : "";
    out += j["text"].get<std::string>() + "\n\n";
  }
  return out;
}

std::string source_text(const std::string& root, size_t limit) {
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(root + "/src")) {
    const auto ext = e.path().extension();
    if (e.is_regular_file() && (ext == ".cpp" || ext == ".h")) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::string out;
  while (out.size() < limit && !files.empty()) {  // repeat the tree if it is small
    for (const auto& f : files) {
      if (out.size() >= limit) break;
      if (auto t = ls::read_file(f.string()); t.ok()) out += *t;
    }
  }
  return out;
}

// Cuts at a character boundary at or below n.
std::string_view cut(std::string_view s, size_t n) {
  n = std::min(n, s.size());
  while (n > 0 && n < s.size() && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

std::string build_mix(const std::string& shared, const std::string& source, size_t bytes) {
  const size_t third = bytes / 3 + 1;
  const std::string zh = corpus_text(shared + "/data/cmrc2018/corpus.jsonl", third + 4096);
  const std::string en = corpus_text(shared + "/data/scifact/corpus.jsonl", third + 4096);
  const std::string code = source_text(source, third + 4096);
  const std::string* parts[] = {&zh, &en, &code};
  size_t pos[3] = {0, 0, 0};
  std::string mix;
  mix.reserve(bytes + 8192);
  while (mix.size() < bytes) {
    bool progressed = false;
    for (int k = 0; k < 3 && mix.size() < bytes; ++k) {
      const std::string& p = *parts[k];
      if (pos[k] >= p.size()) continue;
      const std::string_view block = cut(std::string_view(p).substr(pos[k]), 4096);
      if (block.empty()) continue;
      mix.append(block);
      pos[k] += block.size();
      progressed = true;
    }
    if (!progressed) break;
  }
  return std::string(cut(mix, bytes));
}

// Thread CPU time: on a shared, loaded machine wall time mostly measures the other processes.
double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Timing {
  double wall;
  double cpu;
};

template <class F>
Timing timed(F&& f) {
  const auto w0 = std::chrono::steady_clock::now();
  const double c0 = cpu_seconds();
  f();
  return {std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count(),
          cpu_seconds() - c0};
}

}  // namespace

int main(int argc, char** argv) {
  std::string shared = LOCALSEEK_SHARED_DIR_DEFAULT, source = LOCALSEEK_SOURCE_DIR;
  size_t bytes = 1 << 20;
  int runs = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--shared")) shared = argv[i + 1];
    else if (!std::strcmp(argv[i], "--source")) source = argv[i + 1];
    else if (!std::strcmp(argv[i], "--bytes")) bytes = std::stoul(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--runs")) runs = std::max(2, std::stoi(argv[i + 1]));
  }
  const std::string text = build_mix(shared, source, bytes);
  if (text.size() < bytes / 2) {
    std::fprintf(stderr, "tokenizer_bench: could not build the text mix from %s and %s\n",
                 shared.c_str(), source.c_str());
    return 1;
  }
  std::printf("text: %zu bytes (cmrc2018 zh + scifact en + %s/src code, 4 KB blocks)\n\n",
              text.size(), source.c_str());
  std::printf("MB/s and tokens/s from thread CPU time (wall-clock MB/s in brackets)\n\n");
  std::printf("| vocabulary | algorithm | tokens | bytes/token | cold MB/s | warm MB/s | warm tokens/s |\n");
  std::printf("|---|---|---|---|---|---|---|\n");
  const std::pair<const char*, const char*> vocabs[] = {
      {"ggml-vocab-deepseek-r1-qwen.gguf", "byte-level BPE"},
      {"ggml-vocab-llama-bpe.gguf", "byte-level BPE"},
      {"ggml-vocab-llama-spm.gguf", "SentencePiece BPE"},
      {"ggml-vocab-bert-bge.gguf", "WordPiece"},
  };
  for (const auto& [file, algo] : vocabs) {
    auto tok = Tokenizer::open(shared + "/vocab/" + file);
    if (!tok.ok()) {
      std::printf("| %s | %s | (%s) | | | | |\n", file, algo, tok.error().message.c_str());
      continue;
    }
    const ls::tok::TokenizeOptions opts{.add_special = false, .parse_special = true};
    std::vector<ls::tok::TokenId> ids;
    ids.reserve(text.size());
    const Timing cold = timed([&] { (void)tok->tokenize(text, opts, ids); });
    Timing best{1e9, 1e9};
    for (int r = 1; r < runs; ++r) {
      ids.clear();
      const Timing t = timed([&] { (void)tok->tokenize(text, opts, ids); });
      best.wall = std::min(best.wall, t.wall);
      best.cpu = std::min(best.cpu, t.cpu);
    }
    const double mb = static_cast<double>(text.size()) / 1e6;
    std::printf("| %s | %s | %zu | %.2f | %.1f (%.1f) | %.1f (%.1f) | %.2f M |\n", file, algo,
                ids.size(), static_cast<double>(text.size()) / static_cast<double>(ids.size()),
                mb / cold.cpu, mb / cold.wall, mb / best.cpu, mb / best.wall,
                static_cast<double>(ids.size()) / best.cpu / 1e6);
  }
  return 0;
}
