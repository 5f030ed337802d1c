// The status page route without a server: GET / serves the HTML built into the binary, byte for
// byte the file in the source tree, with headers that keep it self-contained; viewing it needs no
// token. What the page shows and does is tested in a real browser (tests/browser/).
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "http/router.hpp"
#include "api/status_page.hpp"

namespace selfheal::http {
namespace {

std::string source_page() {
  std::ifstream in(std::string(SELFHEAL_SOURCE_DIR) + "/framework/api/status_page/index.html",
                   std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

Response get(const Router& router, const std::string& target) {
  Response out;
  router.dispatch(Request{beast_http::verb::get, target, 11}, [&](Response r) { out = std::move(r); });
  return out;
}

TEST(StatusPage, TheEmbeddedBytesAreTheSourceFile) {
  const std::string page = source_page();
  ASSERT_FALSE(page.empty());
  EXPECT_EQ(std::string(status_page_html()), page);
}

TEST(StatusPage, ServedAtRootAsHtmlWithoutATokenAndSelfContained) {
  Router router([] { return std::string("secret"); }, nullptr);
  add_status_page_routes(router);
  for (const char* target : {"/", "/status-page"}) {
    SCOPED_TRACE(target);
    const auto res = get(router, target);
    EXPECT_EQ(res.result(), Status::ok);
    EXPECT_EQ(res[beast_http::field::content_type], "text/html; charset=utf-8");
    EXPECT_EQ(res.body(), std::string(status_page_html()));
    const std::string csp(res["Content-Security-Policy"]);
    EXPECT_NE(csp.find("default-src 'none'"), std::string::npos) << csp;
    EXPECT_NE(csp.find("connect-src 'self'"), std::string::npos) << csp;
  }
  EXPECT_EQ(get(router, "/index.html").result(), Status::not_found);

  // No asset from outside the host: no absolute or protocol-relative URL in src/href/fetch.
  const std::string page(status_page_html());
  const std::regex outside(R"re((src|href|action)\s*=\s*["']?\s*(https?:)?//|fetch\(\s*["'`](https?:)?//|@import|url\(\s*["']?(https?:)?//)re",
                           std::regex::icase);
  EXPECT_FALSE(std::regex_search(page, outside));
}

}  // namespace
}  // namespace selfheal::http
