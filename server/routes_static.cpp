// The page (/, /app.js, /style.css) and /openapi.json, from the bytes embedded in the binary. A strict Content
// Security Policy backs the page's own rule of never building HTML from strings: no inline script, nothing from
// other hosts.
#include "assets.hpp"
#include "http_support.hpp"

namespace splicebert::server {

void add_static_routes(httplib::Server& http, ServerContext&) {
  for (const char* path : {"/", "/app.js", "/style.css", "/openapi.json"}) {
    http.Get(path, [path](const httplib::Request&, httplib::Response& res) {
      const Asset* asset = find_asset(path);
      if (!asset) return send_error(res, 404, "not found");
      res.set_header("Content-Security-Policy",
                     "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                     "connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'");
      res.set_header("X-Content-Type-Options", "nosniff");
      res.set_header("Referrer-Policy", "no-referrer");
      res.set_header("Cache-Control", "no-cache");
      res.set_content(reinterpret_cast<const char*>(asset->data), asset->size, asset->type);
    });
  }
}

}  // namespace splicebert::server
