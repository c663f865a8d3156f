// The writer round-trips everything the reader reads.
#include "gguf/gguf_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>

#include "scratch_dir.h"
#include "test_support.h"

namespace ls::gguf {
namespace {

Array array_of(ValueType t, std::vector<Value> items) { return Array{t, std::move(items)}; }

// Deep equality, including float bit patterns and array element types.
void expect_same(const Value& a, const Value& b, const std::string& where) {
  ASSERT_EQ(a.type(), b.type()) << where;
  if (a.is_array()) {
    const Array& x = a.as_array();
    const Array& y = b.as_array();
    ASSERT_EQ(x.element_type, y.element_type) << where;
    ASSERT_EQ(x.items.size(), y.items.size()) << where;
    for (size_t i = 0; i < x.items.size(); ++i) expect_same(x.items[i], y.items[i], where + "[" + std::to_string(i) + "]");
  } else {
    EXPECT_EQ(a.to_display(), b.to_display()) << where;
    EXPECT_TRUE(a == b) << where;
  }
}

std::vector<std::pair<std::string, Value>> every_value_type() {
  std::vector<std::pair<std::string, Value>> kv = {
      {"u8", uint8_t{250}},
      {"i8", int8_t{-120}},
      {"u16", uint16_t{65000}},
      {"i16", int16_t{-32000}},
      {"u32", uint32_t{4000000000u}},
      {"i32", int32_t{-2000000000}},
      {"f32", 3.25f},
      {"bool_t", true},
      {"bool_f", false},
      {"str", std::string("h\xC3\xA9llo\n\0x", 9)},
      {"empty_str", std::string()},
      {"u64", uint64_t{18000000000000000000ull}},
      {"i64", int64_t{-9000000000000000000ll}},
      {"f64", 1e-300},
      {"empty_arr", array_of(ValueType::FLOAT32, {})},
      {"arr_i32", array_of(ValueType::INT32, {int32_t{1}, int32_t{-2}, int32_t{3}})},
      {"arr_str", array_of(ValueType::STRING, {std::string("a"), std::string(), std::string("\xE2\x96\x81the")})},
      {"arr_bool", array_of(ValueType::BOOL, {true, false})},
      {"arr_f64", array_of(ValueType::FLOAT64, {0.5, -0.0})},
      {"nested",
       array_of(ValueType::ARRAY,
                {Value(array_of(ValueType::UINT8, {uint8_t{1}, uint8_t{2}})), Value(array_of(ValueType::STRING, {})),
                 Value(array_of(ValueType::ARRAY, {Value(array_of(ValueType::INT64, {int64_t{-1}}))}))})},
  };
  return kv;
}

TEST(GgufWriter, RoundTripsEveryValueTypeAndNestedArrays) {
  Writer w;
  const auto kv = every_value_type();
  for (const auto& [k, v] : kv) w.set(k, v);
  w.set("u8", uint8_t{7});  // replacing keeps the first position
  const auto bytes = w.to_bytes();
  auto f = File::parse(bytes.data(), bytes.size(), "mem");
  ASSERT_TRUE(f.ok()) << f.error().message;
  ASSERT_EQ(f->metadata().size(), kv.size());
  EXPECT_EQ(f->metadata()[0].first, "u8");
  EXPECT_EQ(*f->get_int("u8"), 7);
  for (size_t i = 1; i < kv.size(); ++i) {
    EXPECT_EQ(f->metadata()[i].first, kv[i].first);
    expect_same(f->metadata()[i].second, kv[i].second, kv[i].first);
  }
  EXPECT_EQ(f->find("str")->as_string().size(), 9u);
  EXPECT_TRUE(f->tensors().empty());
}

// A deterministic byte pattern of the right size for a shape and type.
std::vector<uint8_t> pattern(GgmlType t, const std::vector<int64_t>& ne, uint8_t seed) {
  int64_t n = 1;
  for (auto d : ne) n *= d;
  const auto& tr = traits(t);
  std::vector<uint8_t> b(static_cast<size_t>(n / tr.block_size * tr.type_size));
  for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<uint8_t>(i * 31 + seed);
  return b;
}

TEST(GgufWriter, RoundTripsEveryTensorTypeWithAlignment) {
  for (uint64_t align : {32u, 64u, 1u, 4096u}) {
    SCOPED_TRACE(align);
    Writer w(align);
    w.set("general.architecture", std::string("test"));
    std::vector<std::tuple<std::string, GgmlType, std::vector<int64_t>, std::vector<uint8_t>>> want;
    uint8_t seed = 0;
    for (uint32_t id = 0; id < 64; ++id) {
      auto tr = type_traits(id);
      if (!tr) continue;
      std::vector<int64_t> ne = {static_cast<int64_t>(tr->block_size) * 2, 3};
      if (id % 3 == 0) ne.push_back(2);
      std::string name = "t." + std::string(tr->name);
      auto data = pattern(tr->type, ne, ++seed);
      ASSERT_TRUE(w.add_tensor(name, tr->type, ne, data).ok()) << name;
      want.emplace_back(name, tr->type, ne, data);
    }
    const auto bytes = w.to_bytes();
    auto f = File::parse(bytes.data(), bytes.size(), "mem");
    ASSERT_TRUE(f.ok()) << f.error().message;
    EXPECT_EQ(f->alignment(), align);
    ASSERT_EQ(f->tensors().size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) {
      const auto& [name, type, ne, data] = want[i];
      const TensorInfo& t = f->tensors()[i];
      EXPECT_EQ(t.name, name);
      EXPECT_EQ(t.type, type);
      EXPECT_EQ(t.ne, ne);
      ASSERT_EQ(t.nbytes, data.size());
      EXPECT_EQ(std::vector<uint8_t>(t.data, t.data + t.nbytes), data) << name;
    }
  }
}

TEST(GgufWriter, RejectsInconsistentTensors) {
  Writer w;
  EXPECT_TRUE(w.add_tensor("a", GgmlType::F32, {4}, std::vector<uint8_t>(16)).ok());
  auto dup = w.add_tensor("a", GgmlType::F32, {4}, std::vector<uint8_t>(16));
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.error().message.find("duplicate"), std::string::npos);
  auto size = w.add_tensor("b", GgmlType::F32, {4}, std::vector<uint8_t>(15));
  ASSERT_FALSE(size.ok());
  EXPECT_NE(size.error().message.find("need 16"), std::string::npos);
  auto block = w.add_tensor("c", GgmlType::Q4_0, {16}, std::vector<uint8_t>(9));
  ASSERT_FALSE(block.ok());
  EXPECT_NE(block.error().message.find("block size 32"), std::string::npos);
  EXPECT_FALSE(w.add_tensor("d", GgmlType::F32, {1, 1, 1, 1, 1}, std::vector<uint8_t>(4)).ok());
  EXPECT_FALSE(w.add_tensor("e", static_cast<GgmlType>(4), {1}, std::vector<uint8_t>(4)).ok());
}

TEST(GgufWriter, RewritesASharedModelIdentically) {
  LS_REQUIRE_ASSET("models/tiny-qwen2-q4_k_m.gguf");
  auto f = File::open(test::shared_path("models/tiny-qwen2-q4_k_m.gguf"));
  ASSERT_TRUE(f.ok()) << f.error().message;
  Writer w(f->alignment());
  for (const auto& [k, v] : f->metadata()) w.set(k, v);
  for (const auto& t : f->tensors()) ASSERT_TRUE(w.add_tensor_ref(t.name, t.type, t.ne, t.data, t.nbytes).ok());
  const test::ScratchDir dir;
  const std::filesystem::path tmp = dir / "rewrite.gguf";
  ASSERT_TRUE(w.write(tmp.string()).ok());
  // Same writer layout as the original (packed, aligned): byte-identical.
  auto again = File::open(tmp.string());
  ASSERT_TRUE(again.ok()) << again.error().message;
  ASSERT_EQ(again->file_size(), f->file_size());
  EXPECT_EQ(std::memcmp(again->bytes(), f->bytes(), f->file_size()), 0);
  for (const auto& e : std::filesystem::directory_iterator(tmp.parent_path())) {
    EXPECT_EQ(e.path().string().find(tmp.string() + ".tmp"), std::string::npos);  // no temp left behind
  }
}

TEST(GgufWriter, StreamedFileEqualsInMemoryBytes) {
  Writer w(8192);  // padding larger than write()'s zero buffer
  w.set("general.architecture", std::string("x"));
  ASSERT_TRUE(w.add_tensor("a", GgmlType::F32, {3}, std::vector<uint8_t>(12, 7)).ok());
  ASSERT_TRUE(w.add_tensor("b", GgmlType::Q8_0, {32, 2}, std::vector<uint8_t>(68, 9)).ok());
  const test::ScratchDir dir;
  const std::string tmp = dir / "stream.gguf";
  ASSERT_TRUE(w.write(tmp).ok());
  auto m = MappedFile::open(tmp);
  ASSERT_TRUE(m.ok());
  const auto mem = w.to_bytes();
  ASSERT_EQ(m->size(), mem.size());
  EXPECT_EQ(std::memcmp(m->data(), mem.data(), mem.size()), 0);
  EXPECT_EQ(mem.size() % 8192, 0u);
}

TEST(GgufWriter, WriteRejectsHeterogeneousArrays) {
  Writer w;
  w.set("mixed", Array{ValueType::INT32, {int32_t{1}, std::string("two")}});
  auto s = w.write("/tmp/never-written.gguf");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("'mixed'"), std::string::npos);
}

TEST(GgufWriter, WriteFailsCleanlyOnBadPath) {
  Writer w;
  auto s = w.write("/nonexistent/dir/x.gguf");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("/nonexistent/dir/x.gguf"), std::string::npos);
}

}  // namespace
}  // namespace ls::gguf
