#include "server/sse_parser.h"

namespace ls::server {

void SseParser::feed(std::string_view bytes, const OnData& on_data) {
  while (!bytes.empty()) {
    const size_t nl = bytes.find('\n');
    if (nl == std::string_view::npos) {
      line_.append(bytes);
      return;
    }
    line_.append(bytes.substr(0, nl));
    bytes.remove_prefix(nl + 1);
    if (!line_.empty() && line_.back() == '\r') line_.pop_back();
    const std::string l = std::move(line_);
    line_.clear();
    line(l, on_data);
  }
}

void SseParser::line(std::string_view l, const OnData& on_data) {
  if (l.empty()) {  // end of an event
    if (has_data_) on_data(data_);
    data_.clear();
    has_data_ = false;
    return;
  }
  if (l.substr(0, 5) != "data:") return;  // comment, event:, id:, retry:
  l.remove_prefix(5);
  if (!l.empty() && l.front() == ' ') l.remove_prefix(1);
  if (has_data_) data_ += '\n';
  data_.append(l);
  has_data_ = true;
}

}  // namespace ls::server
