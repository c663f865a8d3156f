// HTML → sections with gumbo: title, h1-h6 heading paths, main text; boilerplate elements dropped.
#include <gumbo.h>

#include <string>
#include <vector>

#include "kb/formats.h"
#include "util/strings.h"

namespace ls::kb {
namespace {

bool dropped(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE: case GUMBO_TAG_NAV: case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_TEMPLATE: case GUMBO_TAG_SVG: case GUMBO_TAG_HEADER: case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_ASIDE: case GUMBO_TAG_FORM: case GUMBO_TAG_IFRAME: case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_SELECT: case GUMBO_TAG_HEAD:
      return true;
    default:
      return false;
  }
}

bool is_block(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_P: case GUMBO_TAG_DIV: case GUMBO_TAG_LI: case GUMBO_TAG_UL: case GUMBO_TAG_OL:
    case GUMBO_TAG_TR: case GUMBO_TAG_TABLE: case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_PRE:
    case GUMBO_TAG_SECTION: case GUMBO_TAG_ARTICLE: case GUMBO_TAG_MAIN: case GUMBO_TAG_DL: case GUMBO_TAG_DT:
    case GUMBO_TAG_DD: case GUMBO_TAG_FIGURE: case GUMBO_TAG_FIGCAPTION: case GUMBO_TAG_BR: case GUMBO_TAG_HR:
      return true;
    default:
      return false;
  }
}

int heading_level(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_H1: return 1;
    case GUMBO_TAG_H2: return 2;
    case GUMBO_TAG_H3: return 3;
    case GUMBO_TAG_H4: return 4;
    case GUMBO_TAG_H5: return 5;
    case GUMBO_TAG_H6: return 6;
    default: return 0;
  }
}

void collect_text(const GumboNode* n, std::string& out) {
  if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_CDATA || n->type == GUMBO_NODE_WHITESPACE) {
    out += n->v.text.text;
    return;
  }
  if (n->type != GUMBO_NODE_ELEMENT || dropped(n->v.element.tag)) return;
  const GumboVector& kids = n->v.element.children;
  for (unsigned i = 0; i < kids.length; ++i) collect_text(static_cast<const GumboNode*>(kids.data[i]), out);
}

std::string collapse_spaces(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
      space = true;
    } else {
      if (space && !out.empty()) out += ' ';
      space = false;
      out += c;
    }
  }
  return out;
}

const GumboNode* find_tag(const GumboNode* n, GumboTag tag) {
  if (n->type != GUMBO_NODE_ELEMENT) return nullptr;
  if (n->v.element.tag == tag) return n;
  const GumboVector& kids = n->v.element.children;
  for (unsigned i = 0; i < kids.length; ++i)
    if (const GumboNode* f = find_tag(static_cast<const GumboNode*>(kids.data[i]), tag)) return f;
  return nullptr;
}

// Walks the body, writing text into the document's full text and cutting a section at each heading.
class Walker {
 public:
  void walk(const GumboNode* n) {
    if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_CDATA) {
      append_inline(n->v.text.text);
      return;
    }
    if (n->type == GUMBO_NODE_WHITESPACE) {
      pending_space_ = true;
      return;
    }
    if (n->type != GUMBO_NODE_ELEMENT) return;
    GumboTag tag = n->v.element.tag;
    if (dropped(tag)) return;
    if (int level = heading_level(tag)) {
      std::string h;
      collect_text(n, h);
      h = collapse_spaces(h);
      if (!h.empty()) start_section(level, h);
      return;
    }
    bool block = is_block(tag);
    if (block) paragraph_break();
    const GumboVector& kids = n->v.element.children;
    for (unsigned i = 0; i < kids.length; ++i) walk(static_cast<const GumboNode*>(kids.data[i]));
    if (block) paragraph_break();
  }

  ParsedDocument finish(std::string title) {
    close_section();
    doc_.title = std::move(title);
    if (doc_.title.empty() && !first_h1_.empty()) doc_.title = first_h1_;
    return std::move(doc_);
  }

 private:
  void append_inline(std::string_view s) {
    for (char c : s) {
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
        pending_space_ = true;
        continue;
      }
      if (pending_space_ && !cur_.empty() && cur_.back() != '\n') cur_ += ' ';
      pending_space_ = false;
      cur_ += c;
    }
  }
  void paragraph_break() {
    pending_space_ = false;
    while (!cur_.empty() && cur_.back() == ' ') cur_.pop_back();
    if (!cur_.empty() && !ends_with(cur_, "\n\n")) cur_ += cur_.back() == '\n' ? "\n" : "\n\n";
  }
  void close_section() {
    std::string_view body = trim(cur_);
    if (!body.empty()) {
      Section s;
      s.heading_path = path_;
      s.text = std::string(body);
      s.offset = static_cast<int64_t>(offset_);
      doc_.sections.push_back(std::move(s));
      offset_ += s.text.size() + 2;  // sections are laid end to end, separated by a blank line
    }
    cur_.clear();
  }
  void start_section(int level, const std::string& heading) {
    close_section();
    while (!levels_.empty() && levels_.back() >= level) {
      levels_.pop_back();
      path_.pop_back();
    }
    levels_.push_back(level);
    path_.push_back(heading);
    if (level == 1 && first_h1_.empty()) first_h1_ = heading;
  }

  ParsedDocument doc_;
  std::string cur_;
  bool pending_space_ = false;
  size_t offset_ = 0;
  std::vector<std::string> path_;
  std::vector<int> levels_;
  std::string first_h1_;
};

}  // namespace

ParsedDocument parse_html(std::string_view html) {
  GumboOutput* out = gumbo_parse_with_options(&kGumboDefaultOptions, html.data(), html.size());
  std::string title;
  if (const GumboNode* t = find_tag(out->root, GUMBO_TAG_TITLE)) {
    const GumboVector& kids = t->v.element.children;
    for (unsigned i = 0; i < kids.length; ++i) {
      auto* k = static_cast<const GumboNode*>(kids.data[i]);
      if (k->type == GUMBO_NODE_TEXT) title += k->v.text.text;
    }
    title = collapse_spaces(title);
  }
  const GumboNode* root = find_tag(out->root, GUMBO_TAG_MAIN);
  if (root == nullptr) root = find_tag(out->root, GUMBO_TAG_ARTICLE);
  if (root == nullptr) root = find_tag(out->root, GUMBO_TAG_BODY);
  if (root == nullptr) root = out->root;
  Walker w;
  w.walk(root);
  ParsedDocument d = w.finish(title);
  gumbo_destroy_output(&kGumboDefaultOptions, out);
  return d;
}

}  // namespace ls::kb
