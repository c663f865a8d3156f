// Hostile and broken files: each gives an error naming the file and the problem, never a crash,
// a hang or a huge allocation.
#include <gtest/gtest.h>

#include <random>

#include "gguf/gguf_file.h"
#include "raw_gguf.h"
#include "test_support.h"
#include "util/strings.h"

namespace ls::gguf {
namespace {

using raw::RawGguf;

Error parse_error(const std::vector<uint8_t>& b, const ReadOptions& o = {}) {
  auto f = File::parse(b.data(), b.size(), "hostile.gguf", o);
  EXPECT_FALSE(f.ok()) << "parsed although it should not";
  if (f.ok()) return Error::internal("parsed");
  EXPECT_TRUE(starts_with(f.error().message, "hostile.gguf: ")) << f.error().message;
  return f.error();
}

#define EXPECT_PARSE_ERROR(bytes, words)                                                        \
  do {                                                                                          \
    const std::string m_ = parse_error(bytes).message;                                          \
    EXPECT_NE(m_.find(words), std::string::npos) << "message: " << m_ << "\nexpected: " << words; \
  } while (0)

// A valid one-tensor file, for the cases that differ only in one field.
RawGguf one_tensor(std::vector<uint64_t> ne, uint32_t type, uint64_t offset, size_t data_bytes) {
  RawGguf r;
  r.header(1, 1).kv_str("general.architecture", "llama").tensor("w", ne, type, offset).pad(32).zeros(data_bytes);
  return r;
}

TEST(GgufHostile, ValidBaselineParses) {
  auto r = one_tensor({32, 2}, 8 /*Q8_0*/, 0, 68);
  auto f = File::parse(r.bytes.data(), r.bytes.size(), "ok.gguf");
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(f->tensors()[0].nbytes, 68u);
  EXPECT_EQ(f->tensors()[0].data, r.bytes.data() + f->data_offset());
}

TEST(GgufHostile, BadMagic) {
  RawGguf r;
  r.u32(0x46554746).u32(3).u64(0).u64(0);
  EXPECT_PARSE_ERROR(r.bytes, "bad magic");
  EXPECT_PARSE_ERROR(std::vector<uint8_t>{}, "truncated");
  EXPECT_PARSE_ERROR(std::vector<uint8_t>({'G', 'G'}), "truncated");
}

TEST(GgufHostile, Versions) {
  RawGguf v1, v0, v4, be;
  v1.header(0, 0, 1);
  v0.header(0, 0, 0);
  v4.header(0, 0, 4);
  be.header(0, 0, 0x03000000);
  EXPECT_PARSE_ERROR(v1.bytes, "unsupported version 1");
  EXPECT_EQ(parse_error(v1.bytes).kind, ErrorKind::kUnsupported);
  EXPECT_PARSE_ERROR(v0.bytes, "unknown version 0");
  EXPECT_PARSE_ERROR(v4.bytes, "unknown version 4");
  EXPECT_PARSE_ERROR(be.bytes, "big-endian");
  RawGguf v2;
  v2.header(0, 1, 2).kv_u32("a", 1);
  auto f = File::parse(v2.bytes.data(), v2.bytes.size(), "v2.gguf");
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(f->version(), 2u);
}

TEST(GgufHostile, CountsThatCannotFit) {
  RawGguf kv, tensors, huge;
  kv.header(0, 1000);
  tensors.header(1000, 0);
  huge.header(0, ~0ull);
  EXPECT_PARSE_ERROR(kv.bytes, "truncated");
  EXPECT_PARSE_ERROR(tensors.bytes, "truncated");
  EXPECT_PARSE_ERROR(huge.bytes, "metadata count");
  EXPECT_EQ(parse_error(huge.bytes).kind, ErrorKind::kResourceLimit);
  RawGguf t2;
  t2.header(~0ull, 0);
  EXPECT_PARSE_ERROR(t2.bytes, "tensor count");
  ReadOptions small;
  small.max_kv = 1;
  RawGguf two;
  two.header(0, 2).kv_u32("a", 1).kv_u32("b", 2);
  EXPECT_NE(parse_error(two.bytes, small).message.find("limit of 1"), std::string::npos);
}

TEST(GgufHostile, StringLengths) {
  RawGguf past, huge, keylen;
  past.header(0, 1).str("k").u32(8).u64(100).zeros(10);
  huge.header(0, 1).str("k").u32(8).u64(~0ull);
  keylen.header(0, 1).u64(1ull << 62).zeros(20);
  EXPECT_PARSE_ERROR(past.bytes, "string length 100");
  EXPECT_PARSE_ERROR(past.bytes, "past the end");
  EXPECT_PARSE_ERROR(huge.bytes, "exceeds the limit");
  EXPECT_PARSE_ERROR(keylen.bytes, "string length");
}

TEST(GgufHostile, ArrayCountsAndNesting) {
  RawGguf past, limit, nested, badtype;
  past.header(0, 1).str("arr").u32(9).u32(4).u64(1000).zeros(40);
  EXPECT_PARSE_ERROR(past.bytes, "past the end");
  EXPECT_PARSE_ERROR(past.bytes, "'arr'");
  limit.header(0, 1).str("arr").u32(9).u32(0).u64(~0ull);
  EXPECT_PARSE_ERROR(limit.bytes, "over the limit");
  // 20 levels of arrays each holding one array.
  nested.header(0, 1).str("deep").u32(9);
  for (int i = 0; i < 20; ++i) nested.u32(9).u64(1);
  nested.u32(0).u64(0);
  EXPECT_PARSE_ERROR(nested.bytes, "nest deeper");
  badtype.header(0, 1).str("k").u32(13).u32(0);
  EXPECT_PARSE_ERROR(badtype.bytes, "unknown value type 13");
  // Many arrays, each under the per-array limit, together over the total.
  ReadOptions o;
  o.max_total_array_items = 100;
  RawGguf many;
  many.header(0, 3);
  for (const char* k : {"a0", "a1", "a2"}) many.str(k).u32(9).u32(0).u64(40).zeros(40);
  EXPECT_NE(parse_error(many.bytes, o).message.find("'a2'"), std::string::npos);
  EXPECT_EQ(parse_error(many.bytes, o).kind, ErrorKind::kResourceLimit);
  o.max_total_array_items = 120;
  EXPECT_TRUE(File::parse(many.bytes.data(), many.bytes.size(), "ok", o).ok());
  RawGguf badbool;
  badbool.header(0, 1).str("b").u32(7).pod<uint8_t>(2);
  EXPECT_PARSE_ERROR(badbool.bytes, "bool");
}

TEST(GgufHostile, DuplicateKeysAndTensors) {
  RawGguf keys;
  keys.header(0, 2).kv_u32("same", 1).kv_u32("same", 2);
  EXPECT_PARSE_ERROR(keys.bytes, "duplicate key 'same'");
  RawGguf tensors;
  tensors.header(2, 0).tensor("w", {4}, 0, 0).tensor("w", {4}, 0, 32).pad(32).zeros(64);
  EXPECT_PARSE_ERROR(tensors.bytes, "duplicate tensor name 'w'");
}

TEST(GgufHostile, TensorShapeAndType) {
  EXPECT_PARSE_ERROR(one_tensor({1, 1, 1, 1, 1}, 0, 0, 4).bytes, "n_dims 5 > 4");
  EXPECT_PARSE_ERROR(one_tensor({4}, 4, 0, 16).bytes, "unknown tensor type 4");
  EXPECT_PARSE_ERROR(one_tensor({4}, 1000, 0, 16).bytes, "unknown tensor type 1000");
  EXPECT_PARSE_ERROR(one_tensor({1ull << 32, 1ull << 32}, 0, 0, 0).bytes, "overflow");
  EXPECT_PARSE_ERROR(one_tensor({~0ull}, 0, 0, 0).bytes, "negative dimension");
  EXPECT_PARSE_ERROR(one_tensor({48, 2}, 12 /*Q4_K*/, 0, 1000).bytes, "not a multiple of the block size 256");
  // 2^62 F64 elements: the element count fits, the byte size does not.
  EXPECT_PARSE_ERROR(one_tensor({1ull << 62}, 28, 0, 0).bytes, "overflow");
  // An empty tensor (a zero dimension) whose single row would not fit in 64 bits: found by the fuzzer,
  // the writer could not re-create such a tensor.
  EXPECT_PARSE_ERROR(one_tensor({0x5335e75dfd7f0000ull, 0}, 0 /*F32*/, 0, 0).bytes, "one row of");
}

TEST(GgufHostile, TensorDataPlacement) {
  EXPECT_PARSE_ERROR(one_tensor({64}, 0, 0, 100).bytes, "out of bounds");
  EXPECT_PARSE_ERROR(one_tensor({8}, 0, 16, 64).bytes, "misaligned");
  EXPECT_PARSE_ERROR(one_tensor({8}, 0, ~0ull - 31, 64).bytes, "out of bounds");
  // Header ends but the data section is missing entirely.
  RawGguf r;
  r.header(1, 0).tensor("w", {8}, 0, 0);
  EXPECT_PARSE_ERROR(r.bytes, "truncated");
}

TEST(GgufHostile, Alignment) {
  auto file_with_alignment = [](uint32_t a) {
    RawGguf r;
    r.header(0, 1).kv_u32("general.alignment", a);
    return r.bytes;
  };
  EXPECT_PARSE_ERROR(file_with_alignment(0), "not a non-zero power of two");
  EXPECT_PARSE_ERROR(file_with_alignment(48), "not a non-zero power of two");
  RawGguf str;
  str.header(0, 1).kv_str("general.alignment", "64");
  EXPECT_PARSE_ERROR(str.bytes, "alignment");
  auto ok = file_with_alignment(64);
  auto f = File::parse(ok.data(), ok.size(), "a.gguf");
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(f->alignment(), 64u);
  // A tensor aligned to 32 but not to the file's 64.
  RawGguf mis;
  mis.header(2, 1).kv_u32("general.alignment", 64).tensor("a", {8}, 0, 0).tensor("b", {8}, 0, 32).pad(64).zeros(128);
  EXPECT_PARSE_ERROR(mis.bytes, "misaligned");
}

std::vector<uint8_t> small_real_file() {
  auto m = MappedFile::open(test::shared_path("models/stories260K-q8_0.gguf"));
  if (!m.ok()) return {};
  return std::vector<uint8_t>(m->data(), m->data() + m->size());
}

TEST(GgufHostile, EveryHeaderPrefixFailsCleanly) {
  LS_REQUIRE_ASSET("models/stories260K-q8_0.gguf");
  const auto full = small_real_file();
  auto ok = File::parse(full.data(), full.size(), "full");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  const size_t header = ok->data_offset();
  // Every prefix inside the header (where parsing decisions happen), then a sample of the data.
  std::vector<size_t> lengths;
  for (size_t n = 0; n < header; n += (n < 1024 ? 1 : 13)) lengths.push_back(n);
  // The last tensor may be followed by padding: only cutting before its end must fail.
  size_t end = 0;
  for (const auto& t : ok->tensors()) end = std::max<size_t>(end, header + t.offset + t.nbytes);
  for (size_t n = header; n < end; n += 4099) lengths.push_back(n);
  lengths.push_back(end - 1);
  for (size_t n : lengths) {
    // A copy of exactly n bytes, so ASan sees any read past the end.
    std::vector<uint8_t> prefix(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
    auto f = File::parse(prefix.data(), prefix.size(), "prefix.gguf");
    ASSERT_FALSE(f.ok()) << "prefix of " << n << " bytes parsed";
    const auto& msg = f.error().message;
    ASSERT_TRUE(msg.find("truncated") != std::string::npos || msg.find("out of bounds") != std::string::npos)
        << n << ": " << msg;
  }
}

TEST(GgufHostile, ByteFlipsInTheHeaderNeverCrash) {
  LS_REQUIRE_ASSET("models/stories260K-q8_0.gguf");
  const auto full = small_real_file();
  auto ok = File::parse(full.data(), full.size(), "full");
  ASSERT_TRUE(ok.ok());
  const size_t header = ok->data_offset();
  std::mt19937_64 rng(42);
  int failed = 0;
  std::vector<uint8_t> m = full;
  for (int i = 0; i < 1000; ++i) {
    // Undo the previous mutation, then flip 1-4 header bytes.
    std::copy(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(header), m.begin());
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < flips; ++k) {
      const size_t at = rng() % header;
      m[at] = (rng() % 3 == 0) ? 0xFF : static_cast<uint8_t>(m[at] ^ (1u << (rng() % 8)));
    }
    auto f = File::parse(m.data(), m.size(), "flipped.gguf");
    if (!f.ok()) {
      ++failed;
      EXPECT_TRUE(starts_with(f.error().message, "flipped.gguf: "));
      continue;
    }
    for (const auto& [k, v] : f->metadata()) (void)v.to_display();
    for (const auto& t : f->tensors()) EXPECT_LE(t.data + t.nbytes, m.data() + m.size());
  }
  EXPECT_GT(failed, 0);  // the mutations do hit the structure
}

}  // namespace
}  // namespace ls::gguf
