// Files served from the binary (the page in web/ and the OpenAPI document), embedded at build time by
// cmake/embed_files.cmake.
#pragma once
#include <cstddef>
#include <string_view>

namespace splicebert::server {

struct Asset {
  const char* path;  // URL path
  const char* type;  // Content-Type
  const unsigned char* data;
  size_t size;
};
const Asset* find_asset(std::string_view path);  // nullptr when unknown

}  // namespace splicebert::server
