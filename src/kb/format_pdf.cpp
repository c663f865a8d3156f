// PDF → one section per page (page numbers kept), via poppler-cpp.
#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-page.h>

#include <memory>
#include <mutex>
#include <vector>

#include "kb/formats.h"
#include "util/strings.h"

namespace ls::kb {
namespace {
void quiet(const std::string&, void*) {}  // broken PDFs are reported by us, not on stderr
}  // namespace

Result<ParsedDocument> parse_pdf(std::string_view bytes) {
  static std::once_flag once;
  std::call_once(once, [] { poppler::set_debug_error_function(quiet, nullptr); });
  if (bytes.size() > static_cast<size_t>(INT32_MAX)) return Error::limit("PDF larger than 2 GB");
  std::vector<char> data(bytes.begin(), bytes.end());
  std::unique_ptr<poppler::document> doc(poppler::document::load_from_data(&data));
  if (!doc) return Error::invalid("not a readable PDF");
  if (doc->is_locked()) return Error::unsupported("PDF is encrypted");
  ParsedDocument d;
  poppler::ustring t = doc->get_title();
  if (!t.empty()) {
    auto u = t.to_utf8();
    d.title = std::string(trim(std::string_view(u.data(), u.size())));
  }
  int64_t offset = 0;
  for (int i = 0; i < doc->pages(); ++i) {
    std::unique_ptr<poppler::page> p(doc->create_page(i));
    if (!p) continue;
    auto u = p->text().to_utf8();
    std::string text(u.begin(), u.end());
    Section s;
    s.text = std::string(trim(text));
    s.page = i + 1;
    s.offset = offset;
    offset += static_cast<int64_t>(s.text.size()) + 2;
    if (!s.text.empty()) d.sections.push_back(std::move(s));
  }
  return d;
}

}  // namespace ls::kb
