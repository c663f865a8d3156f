// libFuzzer target: File::parse on arbitrary bytes must return a value or an error, never crash,
// hang or read out of bounds. What parses is also touched (displayed, summarized, tensor bytes read)
// and must survive a write/re-read round trip unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "gguf/gguf_file.h"
#include "gguf/gguf_summary.h"
#include "gguf/gguf_writer.h"

namespace {

using namespace ls::gguf;

// A property violation is a bug: abort so libFuzzer records the input.
void check(bool ok) {
  if (!ok) std::abort();
}

uint64_t touch(const File& f) {
  uint64_t h = 0;
  for (const auto& [k, v] : f.metadata()) {
    h += v.to_display(4).size() + k.size();
    if (auto i = v.to_int()) h += static_cast<uint64_t>(*i);
    if (v.to_double()) h += 1;
  }
  for (const auto& t : f.tensors()) {
    h += static_cast<uint64_t>(t.nelements() + t.rows());
    check(t.nbytes == 0 || (t.data >= f.bytes() && t.data + t.nbytes <= f.bytes() + f.file_size()));
    if (t.nbytes) h += t.data[0] + t.data[t.nbytes - 1];  // ASan checks these are inside the input
    check(f.find_tensor(t.name) == &t);
  }
  const Summary s = summarize(f);
  h += s.parameters + s.hyper_parameters.size() + s.special_tokens.size();
  return h;
}

void round_trip(const File& f) {
  Writer w(f.alignment());
  for (const auto& [k, v] : f.metadata()) w.set(k, v);
  for (const auto& t : f.tensors()) check(w.add_tensor_ref(t.name, t.type, t.ne, t.data, t.nbytes).ok());
  const std::vector<uint8_t> bytes = w.to_bytes();
  auto g = File::parse(bytes.data(), bytes.size(), "round-trip");
  check(g.ok());
  check(g->metadata().size() == f.metadata().size() && g->tensors().size() == f.tensors().size());
  check(g->alignment() == f.alignment());
  for (size_t i = 0; i < f.metadata().size(); ++i) {
    check(g->metadata()[i].first == f.metadata()[i].first);
    // Display form, not ==, so that NaN compares equal to itself.
    check(g->metadata()[i].second.to_display(SIZE_MAX) == f.metadata()[i].second.to_display(SIZE_MAX));
  }
  for (size_t i = 0; i < f.tensors().size(); ++i) {
    const auto& a = f.tensors()[i];
    const auto& b = g->tensors()[i];
    check(a.name == b.name && a.type == b.type && a.ne == b.ne && a.nbytes == b.nbytes);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ReadOptions opts;
  opts.max_string_bytes = 1u << 20;  // keep single allocations small under the fuzzer's RSS limit
  auto f = File::parse(data, size, "fuzz-input", opts);
  if (!f.ok()) {
    check(!f.error().message.empty());
    return 0;
  }
  volatile uint64_t sink = touch(*f);
  (void)sink;
  // Re-writing copies the tensor data: only for smaller inputs, so big seeds stay fast to mutate.
  if (size <= (256u << 10)) round_trip(*f);
  return 0;
}
