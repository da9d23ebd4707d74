// Errors: every failure the user can cause is a splicebert::Error whose message names the file, line or record
// and what is wrong. The CLI prints it on one line and exits with status 1.
#pragma once
#include <sstream>
#include <stdexcept>
#include <string>

namespace splicebert {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// fail("file.safetensors: header length ", n, " exceeds the file size ", size)
template <class... Parts>
[[noreturn]] void fail(const Parts&... parts) {
  std::ostringstream message;
  (message << ... << parts);
  throw Error(message.str());
}

}  // namespace splicebert
