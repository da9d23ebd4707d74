// libFuzzer target: parse_variant_spellings (the text a client sends to POST /variants) on arbitrary bytes. The only
// accepted failure is a splicebert::Error; every parsed site must hold what the parser promises.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "splicebert/error.hpp"
#include "splicebert/variant_lookup.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const auto variants =
        splicebert::variant::parse_variant_spellings(std::string_view(reinterpret_cast<const char*>(data), size), 200);
    for (const auto& v : variants) {
      if (v.site.position < 0 || v.site.chrom.empty() || v.site.ref.empty() || v.line < 1) std::abort();
      for (char c : v.site.ref)
        if (c != 'A' && c != 'C' && c != 'G' && c != 'T' && c != 'N') std::abort();
    }
  } catch (const splicebert::Error&) {
  }
  return 0;
}
