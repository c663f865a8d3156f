#include "gguf/ggml_types.h"

#include <gtest/gtest.h>

namespace ls::gguf {
namespace {

struct Expected {
  uint32_t id;
  const char* name;
  uint32_t block;
  uint32_t bytes;
};

// ggml's facts (ggml.c type_traits); the ids are the on-disk values.
constexpr Expected kTable[] = {
    {0, "f32", 1, 4},         {1, "f16", 1, 2},         {2, "q4_0", 32, 18},      {3, "q4_1", 32, 20},
    {6, "q5_0", 32, 22},      {7, "q5_1", 32, 24},      {8, "q8_0", 32, 34},      {9, "q8_1", 32, 36},
    {10, "q2_K", 256, 84},    {11, "q3_K", 256, 110},   {12, "q4_K", 256, 144},   {13, "q5_K", 256, 176},
    {14, "q6_K", 256, 210},   {15, "q8_K", 256, 292},   {16, "iq2_xxs", 256, 66}, {17, "iq2_xs", 256, 74},
    {18, "iq3_xxs", 256, 98}, {19, "iq1_s", 256, 50},   {20, "iq4_nl", 32, 18},   {21, "iq3_s", 256, 110},
    {22, "iq2_s", 256, 82},   {23, "iq4_xs", 256, 136}, {24, "i8", 1, 1},         {25, "i16", 1, 2},
    {26, "i32", 1, 4},        {27, "i64", 1, 8},        {28, "f64", 1, 8},        {29, "iq1_m", 256, 56},
    {30, "bf16", 1, 2},       {34, "tq1_0", 256, 54},   {35, "tq2_0", 256, 66},   {39, "mxfp4", 32, 17},
};

TEST(GgmlTypes, TableMatchesGgml) {
  for (const auto& e : kTable) {
    auto t = type_traits(e.id);
    ASSERT_TRUE(t.has_value()) << e.name;
    EXPECT_EQ(static_cast<uint32_t>(t->type), e.id);
    EXPECT_EQ(t->name, e.name);
    EXPECT_EQ(t->block_size, e.block) << e.name;
    EXPECT_EQ(t->type_size, e.bytes) << e.name;
    EXPECT_EQ(t->quantized, e.block > 1) << e.name;
    EXPECT_EQ(type_name(t->type), e.name);
    EXPECT_EQ(&traits(t->type), &traits(t->type));
  }
}

TEST(GgmlTypes, RemovedAndUnknownIdsAreRejected) {
  for (uint32_t id : {4u, 5u, 31u, 32u, 33u, 36u, 37u, 38u, 40u, 1000u, 0xFFFFFFFFu}) {
    EXPECT_FALSE(type_traits(id).has_value()) << id;
  }
}

TEST(GgmlTypes, NameLookupIsCaseInsensitive) {
  EXPECT_EQ(type_from_name("Q4_K"), GgmlType::Q4_K);
  EXPECT_EQ(type_from_name("q4_k"), GgmlType::Q4_K);
  EXPECT_EQ(type_from_name("BF16"), GgmlType::BF16);
  EXPECT_EQ(type_from_name("IQ2_XXS"), GgmlType::IQ2_XXS);
  EXPECT_FALSE(type_from_name("q4_2").has_value());
  EXPECT_FALSE(type_from_name("").has_value());
}

TEST(GgmlTypes, RowBytes) {
  EXPECT_EQ(row_bytes(GgmlType::F32, 7), 28u);
  EXPECT_EQ(row_bytes(GgmlType::Q4_K, 512), 288u);
  EXPECT_EQ(row_bytes(GgmlType::Q8_0, 64), 68u);
  EXPECT_EQ(row_bytes(GgmlType::MXFP4, 32), 17u);
  EXPECT_EQ(row_bytes(GgmlType::Q8_0, 0), 0u);
  EXPECT_FALSE(row_bytes(GgmlType::Q8_0, 33).has_value());
  EXPECT_FALSE(row_bytes(GgmlType::Q4_K, 128).has_value());
  EXPECT_FALSE(row_bytes(GgmlType::F32, -1).has_value());
}

}  // namespace
}  // namespace ls::gguf
