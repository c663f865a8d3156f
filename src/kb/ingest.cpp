#include "kb/ingest.h"

#include <fnmatch.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "kb/chunker.h"
#include "util/strings.h"

namespace fs = std::filesystem;

namespace ls::kb {
namespace {

struct Hash128 {
  uint64_t a = 0xcbf29ce484222325ULL, b = 0x84222325cbf29ce4ULL;
  void add(std::string_view s) {
    for (unsigned char c : s) {
      a = (a ^ c) * 0x100000001b3ULL;
      b = (b ^ c) * 0x100000001b3ULL + 0x9e3779b97f4a7c15ULL;
    }
    a = (a ^ 0xff) * 0x100000001b3ULL;  // field separator
    b = (b ^ 0xff) * 0x100000001b3ULL;
  }
  std::string hex() const {
    char buf[33];
    std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(a),
                  static_cast<unsigned long long>(b));
    return buf;
  }
};

}  // namespace

std::string content_hash(const ParsedDocument& doc) {
  Hash128 h;
  h.add(doc.title);
  h.add(doc.metadata_json);
  for (const auto& s : doc.sections) {
    h.add(join(s.heading_path, "\x1f"));
    h.add(std::to_string(s.page));
    h.add(s.text);
  }
  return h.hex();
}

DocumentInput make_document(const ParsedDocument& doc, const CollectionConfig& config) {
  DocumentInput d;
  d.id = doc.id;
  d.title = doc.title;
  d.metadata_json = doc.metadata_json;
  d.content_hash = content_hash(doc);
  d.chunks = chunk_document(doc, ChunkerOptions{config.chunk_tokens, config.chunk_overlap});
  return d;
}

bool glob_selected(const std::string& rel, const std::vector<std::string>& include,
                   const std::vector<std::string>& exclude) {
  std::string base = fs::path(rel).filename().string();
  auto matches = [&](const std::string& g) {
    return fnmatch(g.c_str(), rel.c_str(), 0) == 0 || fnmatch(g.c_str(), base.c_str(), 0) == 0;
  };
  for (const auto& g : exclude)
    if (matches(g)) return false;
  if (include.empty()) return is_supported_path(rel);
  return std::any_of(include.begin(), include.end(), matches);
}

Ingestor::Ingestor(DocumentStore& store, Collection collection, IngestOptions opts, CommitCallback on_commit)
    : store_(store), collection_(std::move(collection)), opts_(std::move(opts)), on_commit_(std::move(on_commit)) {}

void Ingestor::fail(const std::string& what, const std::string& reason) {
  ++report_.failed;
  if (report_.errors.size() < 1000) report_.errors.push_back(what + ": " + reason);
}

Status Ingestor::add_path(const std::string& path) {
  std::error_code ec;
  fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) {
    fail(path, "no such file or folder");
    return {};
  }
  if (!fs::is_directory(st)) return add_file(path);
  std::vector<std::string> files;
  fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec), end;
  if (ec) {
    fail(path, "cannot list folder: " + ec.message());
    return {};
  }
  for (; it != end; it.increment(ec)) {
    if (ec) {
      fail(path, "error while listing: " + ec.message());
      break;
    }
    std::string name = it->path().filename().string();
    if (!name.empty() && name[0] == '.') {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file()) continue;
    std::string rel = fs::relative(it->path(), path, ec).string();
    if (ec) rel = name;
    if (glob_selected(rel, opts_.include, opts_.exclude)) files.push_back(it->path().string());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) LS_TRY(add_file(f));
  return {};
}

Status Ingestor::add_file(const std::string& path) {
  auto fmt = format_for_path(path);
  if (!fmt.ok()) {
    fail(path, fmt.error().message);
    return {};
  }
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (ec) {
    fail(path, "cannot stat: " + ec.message());
    return {};
  }
  if (size > opts_.max_file_bytes) {
    fail(path, "file of " + format_bytes(static_cast<double>(size)) + " exceeds the limit of " +
                   format_bytes(static_cast<double>(opts_.max_file_bytes)));
    return {};
  }
  auto bytes = read_file(path);
  if (!bytes.ok()) {
    fail(path, bytes.error().message);
    return {};
  }
  std::string abs = fs::absolute(path, ec).lexically_normal().string();
  if (ec) abs = path;
  return add_bytes(*bytes, *fmt, abs, abs);
}

Status Ingestor::add_bytes(std::string_view bytes, Format format, const std::string& id, const std::string& source) {
  report_.bytes += static_cast<int64_t>(bytes.size());
  auto parsed = parse_document(format, bytes, source);
  if (!parsed.ok()) {
    fail(source, parsed.error().message);
    return {};
  }
  for (const auto& e : parsed->errors) fail(source, e);
  for (auto& d : parsed->docs) {
    if (d.id.empty()) d.id = id;
    LS_TRY(add_parsed(std::move(d), source));
  }
  return {};
}

Status Ingestor::add_parsed(ParsedDocument doc, const std::string& source) {
  DocumentInput d = make_document(doc, collection_.config);
  d.source = source;
  d.source_id = opts_.source_id;
  for (const auto& c : d.chunks) pending_bytes_ += c.text.size();
  report_.seen_ids.push_back(d.id);
  pending_.push_back(std::move(d));
  return maybe_flush();
}

Status Ingestor::maybe_flush() {
  if (pending_.size() >= opts_.batch_docs || pending_bytes_ >= opts_.batch_bytes) return flush();
  return {};
}

Status Ingestor::flush() {
  if (pending_.empty()) return {};
  if (opts_.before_commit) LS_TRY(opts_.before_commit(pending_));
  LS_ASSIGN_OR_RETURN(auto outcomes, store_.upsert_documents(collection_.name, pending_));
  for (auto o : outcomes) {
    if (o == UpsertOutcome::kAdded) ++report_.added;
    else if (o == UpsertOutcome::kChanged) ++report_.changed;
    else ++report_.unchanged;
  }
  if (on_commit_) on_commit_(pending_, outcomes);
  pending_.clear();
  pending_bytes_ = 0;
  return {};
}

}  // namespace ls::kb
