// SHA-256 through OpenSSL's EVP interface (the low-level SHA256_* calls are deprecated in OpenSSL 3). Files are
// hashed in chunks so that checkpoints of any size need only a fixed buffer.
#include <openssl/evp.h>

#include <memory>
#include <vector>

#include "io/input_file.hpp"
#include "splicebert/error.hpp"
#include "splicebert/io.hpp"

namespace splicebert {

namespace {

struct DigestContextDeleter {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};
using DigestContext = std::unique_ptr<EVP_MD_CTX, DigestContextDeleter>;

DigestContext start_sha256() {
  DigestContext context(EVP_MD_CTX_new());
  if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1) fail("sha256: OpenSSL init failed");
  return context;
}

void update(EVP_MD_CTX* context, const void* data, size_t size) {
  if (EVP_DigestUpdate(context, data, size) != 1) fail("sha256: OpenSSL update failed");
}

std::string finish_hex(EVP_MD_CTX* context) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(context, digest, &length) != 1) fail("sha256: OpenSSL final failed");
  static const char* const hex_digits = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    hex += hex_digits[digest[i] >> 4];
    hex += hex_digits[digest[i] & 15];
  }
  return hex;
}

}  // namespace

std::string sha256_hex(const void* data, size_t size) {
  DigestContext context = start_sha256();
  update(context.get(), data, size);
  return finish_hex(context.get());
}

std::string sha256_file_hex(const std::string& path) {
  InputFile file(path);
  DigestContext context = start_sha256();
  std::vector<uint8_t> chunk(1 << 20);
  while (size_t got = file.read_some(chunk.data(), chunk.size())) update(context.get(), chunk.data(), got);
  return finish_hex(context.get());
}

}  // namespace splicebert
