// Little-endian loads and stores for the binary container formats (zip, pickle). Callers check bounds first;
// these only assemble bytes, so they are correct on any host byte order.
#pragma once
#include <cstdint>
#include <string>

namespace splicebert::le {

inline uint64_t load(const uint8_t* p, int bytes) {
  uint64_t value = 0;
  for (int i = bytes - 1; i >= 0; --i) value = (value << 8) | p[i];
  return value;
}
inline uint16_t load16(const uint8_t* p) { return static_cast<uint16_t>(load(p, 2)); }
inline uint32_t load32(const uint8_t* p) { return static_cast<uint32_t>(load(p, 4)); }
inline uint64_t load64(const uint8_t* p) { return load(p, 8); }

inline void append(std::string& out, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}
inline void append16(std::string& out, uint64_t value) { append(out, value, 2); }
inline void append32(std::string& out, uint64_t value) { append(out, value, 4); }

}  // namespace splicebert::le
