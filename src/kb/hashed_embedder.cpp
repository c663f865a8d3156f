#include "kb/hashed_embedder.h"

#include <cmath>
#include <cstdint>

namespace ls::kb {
namespace {

// Code points of the text, ASCII letters lower-cased, every non-alphanumeric ASCII byte a space.
std::vector<uint32_t> fold(const std::string& s) {
  std::vector<uint32_t> out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      uint32_t cp = alnum ? static_cast<uint32_t>(c >= 'A' && c <= 'Z' ? c + 32 : c) : ' ';
      if (!(cp == ' ' && !out.empty() && out.back() == ' ')) out.push_back(cp);
      ++i;
      continue;
    }
    int len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    uint32_t cp = len == 1 ? c : (c & (0x3F >> (len - 1)));
    for (int k = 1; k < len && i + static_cast<size_t>(k) < s.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + static_cast<size_t>(k)]) & 0x3F);
    out.push_back(cp);
    i += static_cast<size_t>(len);
  }
  return out;
}

uint64_t mix(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  return h ^ (h >> 33);
}

}  // namespace

Result<std::vector<std::vector<float>>> HashedEmbedder::embed(const std::vector<std::string>& texts, EmbedPurpose) {
  if (dim_ < 1 || dim_ > 8192) return Error::invalid("hashed embedder dimension must be in [1, 8192]");
  ++calls_;
  texts_ += texts.size();
  uint64_t seed = 0x9e3779b97f4a7c15ULL;
  for (char c : salt_) seed = mix(seed ^ static_cast<unsigned char>(c));
  std::vector<std::vector<float>> out;
  out.reserve(texts.size());
  for (const auto& t : texts) {
    std::vector<float> v(static_cast<size_t>(dim_), 0.0f);
    std::vector<uint32_t> cps = fold(t);
    // Character trigrams (ASCII words) and unigrams + bigrams (other scripts, e.g. Han).
    for (size_t i = 0; i < cps.size(); ++i) {
      for (size_t n = 1; n <= 3 && i + n <= cps.size(); ++n) {
        bool ascii = true, space = false;
        uint64_t h = seed ^ n;
        for (size_t k = 0; k < n; ++k) {
          ascii = ascii && cps[i + k] < 0x80;
          space = space || cps[i + k] == ' ';
          h = mix(h ^ cps[i + k]);
        }
        if (space && n < 3) continue;
        if (ascii ? n != 3 : n == 3) continue;
        const size_t slot = static_cast<size_t>(h % static_cast<uint64_t>(dim_));
        v[slot] += (h >> 63) ? 1.0f : -1.0f;
      }
    }
    double n2 = 0;
    for (float x : v) n2 += static_cast<double>(x) * x;
    if (n2 > 0)
      for (float& x : v) x = static_cast<float>(x / std::sqrt(n2));
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace ls::kb
