// Removes citation markers that point at nothing from streamed answer text. "[3]" with 3 passages
// stays; "[7]" goes; "[1, 9]" becomes "[1]". Works on deltas: text that might still become a marker
// ("[1" at the end of a delta) is held back until it is decided, so no marker is ever split.
// Brackets that are not markers ("[see above]", "a[i]") pass through unchanged.
#pragma once

#include <string>

namespace ls::rag {

class CitationFilter {
 public:
  explicit CitationFilter(size_t passages) : passages_(passages) {}
  // Text safe to show now.
  std::string push(const std::string& delta);
  // Whatever is still held back (at the end of the answer).
  std::string flush();

 private:
  std::string decide(const std::string& bracket);  // "[...]" complete
  size_t passages_;
  std::string held_;  // starts with '[' when non-empty
};

// The whole text at once.
std::string filter_citations(const std::string& text, size_t passages);

}  // namespace ls::rag
