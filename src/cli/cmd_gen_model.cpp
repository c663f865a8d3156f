// `localseek gen-model --arch qwen2|llama|qwen3|bert --shape r1-distill-qwen-1.5b [--vocab V.gguf] [--type Q4_K_M]
// [--seed S] OUT.gguf`: random weights with a real model's shapes, for benchmarks and tests.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>

#include "cli/command.h"
#include "tools/model_shapes.h"
#include "tools/quant_plan.h"
#include "tools/random_model.h"

namespace ls::cli {
namespace {

const Registrar kGenModel{
    {"gen-model", "Write a model with a real model's shapes and seeded random weights (for benchmarks)",
     [](CLI::App& sub) -> std::function<int()> {
       auto o = std::make_shared<tools::GenModelOptions>();
       sub.add_option("--arch", o->arch, "Architecture: qwen2 (default), llama, qwen3 or bert (embedding/reranker models)")
           ->check(CLI::IsMember({"qwen2", "llama", "qwen3", "bert"}));
       sub.add_option("--shape", o->shape,
                      "Shape: qwen2: " + tools::shape_names("qwen2") + "; llama: " + tools::shape_names("llama") +
                          "; qwen3: " + tools::shape_names("qwen3") + "; bert: " + tools::shape_names("bert"))
           ->required();
       sub.add_option("--vocab", o->vocab_path,
                      "GGUF whose tokenizer.* keys are copied (padded to the shape's vocabulary); default: a "
                      "small synthetic byte-level vocabulary")
           ->check(CLI::ExistingFile);
       sub.add_option("--type", o->file_type, "Weight type (default F16): " + tools::file_type_names());
       sub.add_option("--seed", o->seed, "Random seed (default 1); same seed, same file");
       sub.add_option("-t,--threads", o->threads, "Threads (default: the CPUs available)")->check(CLI::Range(1, 1024));
       sub.add_option("output", o->output, "Model file to write")->required();
       return [o] {
         o->progress = [](size_t i, size_t n, const std::string& name, gguf::GgmlType type) {
           std::fprintf(stderr, "[%4zu/%4zu] %-36s %s\n", i + 1, n, name.c_str(), std::string(gguf::type_name(type)).c_str());
         };
         const auto r = tools::generate_model(*o);
         if (!r.ok()) return report_error(r.error().message);
         std::fprintf(stderr, "gen-model: %zu tensors, %.3f B parameters, %.2f MB of weights, wrote %s\n", r->tensors,
                      r->parameters / 1e9, r->bytes / 1e6, o->output.c_str());
         return 0;
       };
     }}};

}  // namespace
}  // namespace ls::cli
