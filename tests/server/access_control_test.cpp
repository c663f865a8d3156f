#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "server/access_control.h"

namespace ls::server {
namespace {

TEST(AccessControl, ConstantTimeEquals) {
  EXPECT_TRUE(constant_time_equals("secret", "secret"));
  EXPECT_FALSE(constant_time_equals("secret", "secreT"));
  EXPECT_FALSE(constant_time_equals("secret", "secret2"));
  EXPECT_FALSE(constant_time_equals("", "x"));
  EXPECT_TRUE(constant_time_equals("", ""));
}

TEST(AccessControl, BearerKeys) {
  ApiKeys keys({"k1", "k2"});
  EXPECT_TRUE(keys.enabled());
  EXPECT_TRUE(keys.accepts("Bearer k1"));
  EXPECT_TRUE(keys.accepts("bearer k2"));
  EXPECT_FALSE(keys.accepts("Bearer k3"));
  EXPECT_FALSE(keys.accepts("k1"));
  EXPECT_FALSE(keys.accepts("Basic k1"));
  EXPECT_FALSE(keys.accepts(""));
  EXPECT_FALSE(ApiKeys().enabled());
}

TEST(AccessControl, KeyFile) {
  const auto path = std::filesystem::temp_directory_path() / "ls_keys_test.txt";
  std::ofstream(path) << "# comment\n\n  alpha  \nbeta\r\n";
  auto keys = read_api_key_file(path.string());
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(*keys, (std::vector<std::string>{"alpha", "beta"}));
  std::ofstream(path) << "# only a comment\n";
  EXPECT_FALSE(read_api_key_file(path.string()).ok());
  std::filesystem::remove(path);
  auto missing = read_api_key_file("/nonexistent/keys");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("/nonexistent/keys"), std::string::npos);
}

TEST(AccessControl, CorsAllowList) {
  CorsPolicy none;
  EXPECT_EQ(none.allow_origin("http://a.example"), "");
  CorsPolicy some({"http://a.example"});
  EXPECT_EQ(some.allow_origin("http://a.example"), "http://a.example");
  EXPECT_EQ(some.allow_origin("http://b.example"), "");
  EXPECT_EQ(some.allow_origin(""), "");
  CorsPolicy any({"*"});
  EXPECT_EQ(any.allow_origin("http://b.example"), "*");
}

}  // namespace
}  // namespace ls::server
