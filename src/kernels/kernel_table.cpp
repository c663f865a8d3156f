#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "kernels/blocks.h"
#include "kernels/isa_tables.h"
#include "kernels/scalar.h"
#include "util/cpu_features.h"

namespace ls::kernels {
namespace {

void set(KernelTable& t, GgmlType type, int block_size, int block_bytes, DequantizeRowFn deq,
         QuantizeRowFn quant, QuantizeRowFn from_float, GgmlType dot_type, VecDotFn dot) {
  TypeKernels& k = t[static_cast<int>(type)];
  k.type = type;
  k.block_size = block_size;
  k.block_bytes = block_bytes;
  k.dequantize_row = deq;
  k.quantize_row = quant;
  k.from_float = from_float;
  k.vec_dot_type = dot_type;
  k.vec_dot = dot;
  k.tile_act_type = dot_type;
}

void fill_scalar(KernelTable& t) {
  using T = GgmlType;
  namespace s = scalar;
  set(t, T::F32, 1, 4, s::dequantize_f32, s::quantize_f32, s::quantize_f32, T::F32, s::vec_dot_f32);
  set(t, T::F16, 1, 2, s::dequantize_f16, s::quantize_f16, s::quantize_f16, T::F16, s::vec_dot_f16);
  set(t, T::BF16, 1, 2, s::dequantize_bf16, s::quantize_bf16, s::quantize_bf16, T::BF16, s::vec_dot_bf16);
  set(t, T::Q4_0, kQK, sizeof(BlockQ4_0), s::dequantize_q4_0, s::quantize_q4_0, s::quantize_q4_0, T::Q8_0, s::vec_dot_q4_0);
  set(t, T::Q4_1, kQK, sizeof(BlockQ4_1), s::dequantize_q4_1, s::quantize_q4_1, s::quantize_q4_1, T::Q8_1, s::vec_dot_q4_1);
  set(t, T::Q5_0, kQK, sizeof(BlockQ5_0), s::dequantize_q5_0, s::quantize_q5_0, s::quantize_q5_0, T::Q8_0, s::vec_dot_q5_0);
  set(t, T::Q5_1, kQK, sizeof(BlockQ5_1), s::dequantize_q5_1, s::quantize_q5_1, s::quantize_q5_1, T::Q8_1, s::vec_dot_q5_1);
  set(t, T::Q8_0, kQK, sizeof(BlockQ8_0), s::dequantize_q8_0, s::quantize_q8_0, s::quantize_q8_0_act, T::Q8_0, s::vec_dot_q8_0);
  set(t, T::Q8_1, kQK, sizeof(BlockQ8_1), s::dequantize_q8_1, s::quantize_q8_1, s::quantize_q8_1_act, T::Q8_1, nullptr);
  set(t, T::Q2_K, kQK_K, sizeof(BlockQ2_K), s::dequantize_q2_k, s::quantize_q2_k, s::quantize_q2_k, T::Q8_K, s::vec_dot_q2_k);
  set(t, T::Q3_K, kQK_K, sizeof(BlockQ3_K), s::dequantize_q3_k, s::quantize_q3_k, s::quantize_q3_k, T::Q8_K, s::vec_dot_q3_k);
  set(t, T::Q4_K, kQK_K, sizeof(BlockQ4_K), s::dequantize_q4_k, s::quantize_q4_k, s::quantize_q4_k, T::Q8_K, s::vec_dot_q4_k);
  set(t, T::Q5_K, kQK_K, sizeof(BlockQ5_K), s::dequantize_q5_k, s::quantize_q5_k, s::quantize_q5_k, T::Q8_K, s::vec_dot_q5_k);
  set(t, T::Q6_K, kQK_K, sizeof(BlockQ6_K), s::dequantize_q6_k, s::quantize_q6_k, s::quantize_q6_k, T::Q8_K, s::vec_dot_q6_k);
  set(t, T::Q8_K, kQK_K, sizeof(BlockQ8_K), s::dequantize_q8_k, s::quantize_q8_k, s::quantize_q8_k, T::Q8_K, nullptr);
}

bool cpu_has(Isa isa) {
  const CpuFeatures& f = cpu_features();
  switch (isa) {
    case Isa::kScalar: return true;
    case Isa::kAvx2: return f.avx2 && f.fma && f.f16c;
    case Isa::kAvx512: return f.avx2 && f.fma && f.f16c && f.avx512f && f.avx512bw && f.avx512vl;
    case Isa::kAvx512Vnni: return cpu_has(Isa::kAvx512) && f.avx512vnni;
  }
  return false;
}

#if defined(LOCALSEEK_KERNELS_X86)
// What each ISA overrides in the table it inherits, in order (later entries win).
std::vector<void (*)(KernelTable&)> specialisations(Isa isa) {
  switch (isa) {
    case Isa::kScalar: return {};
    case Isa::kAvx2: return {specialise_avx2, specialise_gemv_avx2, specialise_float_avx2};
    case Isa::kAvx512: return {specialise_avx512, specialise_gemv_avx512, specialise_float_avx512};
    // VNNI adds nothing for the float types: the AVX-512 float tiles again (the VNNI base
    // specialisation resets them).
    case Isa::kAvx512Vnni: return {specialise_avx512vnni, specialise_gemv_avx512vnni, specialise_float_avx512};
  }
  return {};
}
#endif

bool compiled_in(Isa isa) {
#if defined(LOCALSEEK_KERNELS_X86)
  (void)isa;
  return true;
#else
  return isa == Isa::kScalar;
#endif
}

struct Tables {
  std::array<KernelTable, kIsaCount> by_isa{};
  std::array<bool, kIsaCount> available{};
  Isa best = Isa::kScalar;

  Tables() {
    fill_scalar(by_isa[0]);
    available[0] = true;
#if defined(LOCALSEEK_KERNELS_X86)
    for (int i = 1; i < kIsaCount; ++i) {
      const Isa isa = static_cast<Isa>(i);
      if (!cpu_has(isa) || !compiled_in(isa)) break;  // each ISA builds on the one below
      std::copy(std::begin(by_isa[i - 1]), std::end(by_isa[i - 1]), std::begin(by_isa[i]));
      for (auto specialise : specialisations(isa)) specialise(by_isa[i]);
      available[i] = true;
      best = isa;
    }
#endif
  }
};

const Tables& tables() {
  static const Tables t;
  return t;
}

}  // namespace

std::string_view isa_name(Isa isa) {
  switch (isa) {
    case Isa::kScalar: return "scalar";
    case Isa::kAvx2: return "avx2";
    case Isa::kAvx512: return "avx512";
    case Isa::kAvx512Vnni: return "avx512vnni";
  }
  return "?";
}

const TypeKernels* kernels_for(GgmlType t, Isa isa) {
  const auto id = static_cast<uint32_t>(t);
  const auto i = static_cast<int>(isa);
  if (id >= kTypeSlots || i < 0 || i >= kIsaCount || !tables().available[i]) return nullptr;
  const TypeKernels& k = tables().by_isa[i][id];
  return k.block_size == 0 ? nullptr : &k;
}

const TypeKernels* kernels(GgmlType t) { return kernels_for(t, active_isa()); }
Isa best_isa() { return tables().best; }

Result<Isa> parse_isa(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (int i = 0; i < kIsaCount; ++i) {
    if (lower == isa_name(static_cast<Isa>(i))) return static_cast<Isa>(i);
  }
  return Error::invalid("unknown ISA '" + std::string(name) + "' (known: scalar, avx2, avx512, avx512vnni)");
}

namespace {

std::string available_list() {
  std::string out;
  for (Isa isa : available_isas()) out += (out.empty() ? "" : ", ") + std::string(isa_name(isa));
  return out;
}

Result<Isa> checked(Result<Isa> isa) {
  if (!isa.ok()) return isa;
  if (!isa_available(*isa)) {
    return Error::unsupported("ISA '" + std::string(isa_name(*isa)) + "' is not available on this CPU/build (available: " +
                              available_list() + ")");
  }
  return isa;
}

// -1: not chosen yet.
std::atomic<int> g_active{-1};

Isa isa_from_env_or_best() {
  const char* env = std::getenv(kIsaEnvVar);
  if (env == nullptr || *env == '\0') return best_isa();
  auto isa = checked(parse_isa(env));
  if (isa.ok()) return *isa;
  std::fprintf(stderr, "localseek: warning: %s ignored: %s; using %s\n", kIsaEnvVar, isa.error().message.c_str(),
               std::string(isa_name(best_isa())).c_str());
  return best_isa();
}

}  // namespace

Isa active_isa() {
  int a = g_active.load(std::memory_order_acquire);
  if (a < 0) {
    int expected = -1;
    g_active.compare_exchange_strong(expected, static_cast<int>(isa_from_env_or_best()), std::memory_order_acq_rel);
    a = g_active.load(std::memory_order_acquire);
  }
  return static_cast<Isa>(a);
}

Status set_active_isa(Isa isa) {
  auto ok = checked(isa);
  if (!ok.ok()) return ok.error();
  g_active.store(static_cast<int>(isa), std::memory_order_release);
  return {};
}

Status set_active_isa(std::string_view name) {
  auto isa = checked(parse_isa(name));
  if (!isa.ok()) return isa.error();
  return set_active_isa(*isa);
}

Status apply_isa_env() {
  const char* env = std::getenv(kIsaEnvVar);
  if (env == nullptr || *env == '\0') return {};
  auto isa = checked(parse_isa(env));
  if (!isa.ok()) return Error::invalid(std::string(kIsaEnvVar) + "=" + env + ": " + isa.error().message);
  return set_active_isa(*isa);
}
bool isa_available(Isa isa) {
  const auto i = static_cast<int>(isa);
  return i >= 0 && i < kIsaCount && tables().available[i];
}

std::vector<Isa> available_isas() {
  std::vector<Isa> out;
  for (int i = 0; i < kIsaCount; ++i) {
    if (tables().available[i]) out.push_back(static_cast<Isa>(i));
  }
  return out;
}

std::vector<GgmlType> supported_types() {
  std::vector<GgmlType> out;
  for (uint32_t id = 0; id < kTypeSlots; ++id) {
    if (tables().by_isa[0][id].block_size != 0) out.push_back(static_cast<GgmlType>(id));
  }
  return out;
}

size_t row_size(GgmlType t, int64_t n) {
  const TypeKernels* k = kernels_for(t, Isa::kScalar);
  if (k == nullptr) return 0;
  return static_cast<size_t>(n / k->block_size) * static_cast<size_t>(k->block_bytes);
}

}  // namespace ls::kernels
