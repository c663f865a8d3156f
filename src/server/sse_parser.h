// Incremental Server-Sent Events parsing on the client side: bytes arrive in arbitrary pieces
// (one network read may hold half an event or several), complete events come out. Only what the
// OpenAI streaming format uses: `data:` lines (several are joined with "\n"), blank-line event
// ends, LF or CRLF line ends; comments (":") and other fields are skipped.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace ls::server {

class SseParser {
 public:
  using OnData = std::function<void(std::string_view data)>;

  // Feeds bytes; `on_data` runs once per completed event that had data.
  void feed(std::string_view bytes, const OnData& on_data);
  // Bytes of an unfinished event still buffered (a stream that ends with some is truncated).
  bool pending() const { return !line_.empty() || has_data_; }

 private:
  void line(std::string_view l, const OnData& on_data);

  std::string line_;  // the unfinished line
  std::string data_;  // data of the unfinished event
  bool has_data_ = false;
};

}  // namespace ls::server
