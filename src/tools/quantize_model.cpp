#include "tools/quantize_model.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <numeric>
#include <vector>

#include "gguf/gguf_file.h"
#include "gguf/gguf_writer.h"
#include "kernels/kernels.h"
#include "kernels/quantize.h"
#include "tools/quant_plan.h"
#include "util/thread_pool.h"

namespace ls::tools {
namespace {

namespace fs = std::filesystem;

bool same_file(const std::string& a, const std::string& b) {
  std::error_code ec;
  if (fs::exists(b, ec) && fs::equivalent(a, b, ec)) return true;
  return fs::weakly_canonical(a, ec) == fs::weakly_canonical(b, ec);
}

// llama.cpp's tensor order: by layer number ("blk.N."; other tensors first), then by name.
int layer_of(const std::string& name) {
  int layer = -1;
  if (name.rfind("blk.", 0) == 0) layer = std::atoi(name.c_str() + 4);
  return layer;
}

bool llama_order(const std::string& a, const std::string& b) {
  const int la = layer_of(a), lb = layer_of(b);
  return la != lb ? la < lb : a < b;
}

bool readable_source(GgmlType t) { return t == GgmlType::F32 || t == GgmlType::F16 || t == GgmlType::BF16; }

ModelFacts facts_of(const gguf::File& in) {
  ModelFacts f;
  f.arch = in.architecture();
  auto hp = [&](const char* key) {
    const auto v = in.get_int_or(f.arch + "." + key, 0);
    return v.ok() ? static_cast<int>(*v) : 0;
  };
  f.n_layer = hp("block_count");
  f.n_head = hp("attention.head_count");
  f.n_head_kv = hp("attention.head_count_kv");
  if (f.n_head_kv == 0) f.n_head_kv = f.n_head;
  f.n_expert = hp("expert_count");
  for (const gguf::TensorInfo& t : in.tensors()) {
    const std::string& n = t.name;
    if (n.find("attn_v.weight") != std::string::npos || n.find("attn_qkv.weight") != std::string::npos ||
        n.find("attn_kv_b.weight") != std::string::npos) {
      ++f.n_attention_wv;
    } else if (n == "output.weight") {
      f.has_output = true;
    }
  }
  return f;
}

}  // namespace

Result<QuantizeSummary> quantize_model(const QuantizeOptions& opts) {
  const auto ft = file_type_from_name(opts.file_type);
  if (!ft) {
    return Error::invalid("unknown target type '" + opts.file_type + "'; supported: " + file_type_names());
  }
  if (same_file(opts.input, opts.output)) {
    return Error::invalid(opts.output + ": refusing to overwrite the input model");
  }
  LS_ASSIGN_OR_RETURN(gguf::File in, gguf::File::open(opts.input));
  for (const gguf::TensorInfo& t : in.tensors()) {
    if (!readable_source(t.type)) {
      return Error::unsupported(opts.input + ": tensor '" + t.name + "' is " + std::string(gguf::type_name(t.type)) +
                                "; quantize reads only F32, F16 and BF16 models");
    }
  }

  // llama.cpp walks (and writes) the tensors in this order; its layer counters depend on it.
  std::vector<size_t> order(in.tensors().size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return llama_order(in.tensors()[a].name, in.tensors()[b].name); });

  TypePlanner planner(*ft, facts_of(in));
  std::vector<GgmlType> types(order.size());
  gguf::Writer w(in.alignment());
  for (const auto& [k, v] : in.metadata()) {
    if (k != "general.file_type" && k != "general.quantization_version") w.set(k, v);
  }
  w.set("general.quantization_version", gguf::Value(uint32_t{2}));
  w.set("general.file_type", gguf::Value(ft->llama_ftype));
  QuantizeSummary sum;
  for (size_t i = 0; i < order.size(); ++i) {
    const gguf::TensorInfo& t = in.tensors()[order[i]];
    LS_ASSIGN_OR_RETURN(types[i], planner.choose(t.name, t.ne, t.type));
    LS_TRY(w.add_tensor_deferred(t.name, types[i], t.ne));
    sum.bytes_in += t.nbytes;
  }

  ThreadPool pool(opts.threads);
  std::vector<float> floats;
  auto source = [&](size_t i, std::vector<uint8_t>& bytes) -> Status {
    const gguf::TensorInfo& t = in.tensors()[order[i]];
    const GgmlType to = types[i];
    if (to == t.type) {
      bytes.assign(t.data, t.data + t.nbytes);
    } else {
      const int64_t n = t.nelements();
      floats.resize(static_cast<size_t>(n));
      const kernels::TypeKernels* k = kernels::kernels_for(t.type, kernels::Isa::kScalar);
      if (k == nullptr || k->dequantize_row == nullptr) {
        return Error::unsupported("tensor '" + t.name + "': no converter from " + std::string(gguf::type_name(t.type)));
      }
      k->dequantize_row(t.data, floats.data(), n);
      bytes.resize(kernels::row_size(to, t.ne[0]) * static_cast<size_t>(t.rows()));
      LS_ASSIGN_OR_RETURN(size_t written, kernels::quantize_rows(to, floats.data(), t.rows(), t.ne[0], bytes.data(), &pool));
      if (written != bytes.size()) return Error::internal("tensor '" + t.name + "': quantiser wrote a wrong size");
    }
    sum.bytes_out += bytes.size();
    ++sum.tensors;
    if (opts.progress) opts.progress(i, order.size(), t.name, t.type, to);
    return {};
  };
  LS_TRY(w.write(opts.output, source));
  return sum;
}

}  // namespace ls::tools
