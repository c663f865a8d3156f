// `localseek quantize IN.gguf OUT.gguf TYPE [--threads N]`: llama.cpp-compatible quantisation of an
// F32/F16/BF16 model (same per-tensor types and bytes as llama-quantize without imatrix).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>

#include "cli/command.h"
#include "tools/quant_plan.h"
#include "tools/quantize_model.h"

namespace ls::cli {
namespace {

const Registrar kQuantize{
    {"quantize", "Quantise an F32/F16/BF16 GGUF model to a llama.cpp type (Q4_K_M, Q8_0, ...)",
     [](CLI::App& sub) -> std::function<int()> {
       auto o = std::make_shared<tools::QuantizeOptions>();
       sub.add_option("input", o->input, "Source model (F32, F16 or BF16 tensors)")->required()->check(CLI::ExistingFile);
       sub.add_option("output", o->output, "Model to write (never the input)")->required();
       sub.add_option("type", o->file_type, "Target: " + tools::file_type_names())->required();
       sub.add_option("-t,--threads", o->threads, "Threads (default: the CPUs available)")->check(CLI::Range(1, 1024));
       return [o] {
         o->progress = [](size_t i, size_t n, const std::string& name, gguf::GgmlType from, gguf::GgmlType to) {
           std::fprintf(stderr, "[%4zu/%4zu] %-36s %6s -> %s\n", i + 1, n, name.c_str(),
                        std::string(gguf::type_name(from)).c_str(), std::string(gguf::type_name(to)).c_str());
         };
         const auto r = tools::quantize_model(*o);
         if (!r.ok()) return report_error(r.error().message);
         std::fprintf(stderr, "quantize: %zu tensors, %.2f MB -> %.2f MB, wrote %s\n", r->tensors, r->bytes_in / 1e6,
                      r->bytes_out / 1e6, o->output.c_str());
         return 0;
       };
     }}};

}  // namespace
}  // namespace ls::cli
