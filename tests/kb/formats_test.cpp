#include <gtest/gtest.h>
#include <unicode/ucnv.h>

#include <string>
#include <vector>

#include "kb/charset.h"
#include "kb/formats.h"

namespace ls::kb {
namespace {

// A minimal PDF with one page per string (Helvetica text), xref offsets computed.
std::string make_pdf(const std::vector<std::string>& pages, const std::string& title = "") {
  std::vector<std::string> objs;
  std::string kids;
  int n = static_cast<int>(pages.size());
  objs.push_back("<< /Type /Catalog /Pages 2 0 R >>");
  for (int i = 0; i < n; ++i) kids += std::to_string(4 + 2 * i) + " 0 R ";
  objs.push_back("<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(n) + " >>");
  objs.push_back("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
  for (int i = 0; i < n; ++i) {
    objs.push_back("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
                   "/Contents " + std::to_string(5 + 2 * i) + " 0 R >>");
    std::string content = "BT /F1 12 Tf 72 720 Td (" + pages[static_cast<size_t>(i)] + ") Tj ET";
    objs.push_back("<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "\nendstream");
  }
  int info = 0;
  if (!title.empty()) {
    objs.push_back("<< /Title (" + title + ") >>");
    info = static_cast<int>(objs.size());
  }
  std::string pdf = "%PDF-1.4\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objs.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objs[i] + "\nendobj\n";
  }
  size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objs.size() + 1) + "\n0000000000 65535 f \n";
  for (size_t off : offsets) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%010zu 00000 n \n", off);
    pdf += buf;
  }
  pdf += "trailer\n<< /Size " + std::to_string(objs.size() + 1) + " /Root 1 0 R";
  if (info) pdf += " /Info " + std::to_string(info) + " 0 R";
  pdf += " >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

std::string to_charset(const std::string& utf8, const char* charset) {
  UErrorCode st = U_ZERO_ERROR;
  std::string out(utf8.size() * 4 + 16, '\0');
  int32_t n = ucnv_convert(charset, "UTF-8", out.data(), static_cast<int32_t>(out.size()), utf8.data(),
                           static_cast<int32_t>(utf8.size()), &st);
  EXPECT_TRUE(U_SUCCESS(st));
  out.resize(static_cast<size_t>(n));
  return out;
}

TEST(Formats, DetectedByExtension) {
  EXPECT_EQ(format_for_path("a/B.MD").value(), Format::kMarkdown);
  EXPECT_EQ(format_for_path("x.htm").value(), Format::kHtml);
  EXPECT_EQ(format_for_path("x.pdf").value(), Format::kPdf);
  EXPECT_EQ(format_for_path("corpus.jsonl").value(), Format::kJsonl);
  auto bad = format_for_path("x.exe");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorKind::kUnsupported);
  EXPECT_NE(bad.error().message.find(".pdf"), std::string::npos);
}

TEST(Formats, HtmlKeepsTitleHeadingsAndMainTextOnly) {
  std::string html = R"(<!doctype html><html><head><title> The  Title </title><style>p{color:red}</style>
    <script>var hidden = "scriptword";</script></head><body>
    <nav><a href="/">navword home</a></nav><header>headerword</header>
    <h1>Intro</h1><p>First <b>bold</b> paragraph.</p><p>Second paragraph.</p>
    <h2>Details</h2><ul><li>item one</li><li>item two</li></ul><noscript>noscriptword</noscript>
    <footer>footerword</footer></body></html>)";
  ParsedDocument d = parse_html(html);
  EXPECT_EQ(d.title, "The Title");
  ASSERT_EQ(d.sections.size(), 2u);
  EXPECT_EQ(d.sections[0].heading_path, std::vector<std::string>{"Intro"});
  EXPECT_EQ(d.sections[0].text, "First bold paragraph.\n\nSecond paragraph.");
  EXPECT_EQ(d.sections[1].heading_path, (std::vector<std::string>{"Intro", "Details"}));
  EXPECT_NE(d.sections[1].text.find("item one"), std::string::npos);
  std::string all;
  for (const auto& s : d.sections) all += s.text;
  for (const char* dropped : {"scriptword", "navword", "headerword", "footerword", "noscriptword", "color"})
    EXPECT_EQ(all.find(dropped), std::string::npos) << dropped;
}

TEST(Formats, HtmlPrefersMainElement) {
  ParsedDocument d = parse_html("<body><div>sidebar junk</div><main><p>real content</p></main></body>");
  ASSERT_EQ(d.sections.size(), 1u);
  EXPECT_EQ(d.sections[0].text, "real content");
}

TEST(Formats, PdfPagesKeepTheirNumbers) {
  std::string pdf = make_pdf({"Hello from page one", "Second page text"}, "Doc Title");
  auto r = parse_document(Format::kPdf, pdf, "file.pdf");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->docs.size(), 1u);
  const auto& d = r->docs[0];
  EXPECT_EQ(d.title, "Doc Title");
  ASSERT_EQ(d.sections.size(), 2u);
  EXPECT_EQ(d.sections[0].page, 1);
  EXPECT_NE(d.sections[0].text.find("Hello from page one"), std::string::npos);
  EXPECT_EQ(d.sections[1].page, 2);
  EXPECT_NE(d.sections[1].text.find("Second page text"), std::string::npos);
}

TEST(Formats, BrokenPdfIsAnErrorNotACrash) {
  auto r = parse_document(Format::kPdf, "%PDF-1.4\ngarbage", "bad.pdf");
  EXPECT_FALSE(r.ok());
  std::string pdf = make_pdf({"x"});
  auto t = parse_document(Format::kPdf, pdf.substr(0, pdf.size() / 2), "half.pdf");
  if (t.ok()) {
    SUCCEED();  // poppler may recover a truncated file; it must simply not crash
  }
}

TEST(Formats, GbkTextIsDetectedAndConverted) {
  std::string utf8 =
      "中华人民共和国是一个位于东亚的国家。北京是中国的首都，也是全国的政治和文化中心。"
      "长江是中国最长的河流，流经许多省份，最后注入东海。我们的用户经常使用这种编码保存文件。";
  std::string gbk = to_charset(utf8, "GBK");
  ASSERT_NE(gbk, utf8);
  auto dec = decode_to_utf8(gbk);
  ASSERT_TRUE(dec.ok());
  EXPECT_EQ(dec->text, utf8);
  EXPECT_EQ(dec->charset, "GB18030");
  auto parsed = parse_document(Format::kText, gbk, "gbk.txt");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->docs[0].sections[0].text, utf8);
  EXPECT_NE(parsed->docs[0].metadata_json.find("GB18030"), std::string::npos);
}

TEST(Formats, Utf8BomAndUtf16AreHandled) {
  EXPECT_EQ(decode_to_utf8("\xEF\xBB\xBFhello").value().text, "hello");
  std::string u16 = std::string("\xFF\xFE", 2) + std::string("h\0i\0", 4);
  EXPECT_EQ(decode_to_utf8(u16).value().text, "hi");
}

TEST(Formats, JsonlSkipsBadLinesAndReportsThem) {
  std::string jl = R"({"_id":"a","title":"T","text":"alpha"})"
                   "\n"
                   "not json\n"
                   R"({"id":7,"text":"seven"})"
                   "\n"
                   R"({"_id":"no-text"})"
                   "\n"
                   R"({"text":"anonymous","metadata":{"k":"v"}})"
                   "\n\n";
  ParseOutput out = parse_jsonl(jl, "c.jsonl");
  ASSERT_EQ(out.docs.size(), 3u);
  EXPECT_EQ(out.docs[0].id, "a");
  EXPECT_EQ(out.docs[0].title, "T");
  EXPECT_EQ(out.docs[1].id, "7");
  EXPECT_EQ(out.docs[2].id, "c.jsonl#5");
  EXPECT_EQ(out.docs[2].metadata_json, R"({"k":"v"})");
  ASSERT_EQ(out.errors.size(), 2u);
  EXPECT_EQ(out.errors[0].rfind("line 2:", 0), 0u);
  EXPECT_EQ(out.errors[1].rfind("line 4:", 0), 0u);
}

TEST(Formats, MarkdownIgnoresHashesInCodeFences) {
  ParsedDocument d = parse_markdown("# T\n```\n# not a heading\n```\ntext\n#hashtag\n");
  ASSERT_EQ(d.sections.size(), 1u);
  EXPECT_NE(d.sections[0].text.find("# not a heading"), std::string::npos);
  EXPECT_NE(d.sections[0].text.find("#hashtag"), std::string::npos);
}

}  // namespace
}  // namespace ls::kb
