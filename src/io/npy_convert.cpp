// Widening an NpyArray's raw bytes to the two in-memory element types. Elements are loaded with memcpy because
// the data need not be aligned.
#include <cstring>

#include "io/float16.hpp"
#include "io/npy_header.hpp"
#include "splicebert/error.hpp"
#include "splicebert/io.hpp"

namespace splicebert {

namespace {

template <class Element>
Element load(const uint8_t* bytes, size_t index) {
  Element value;
  std::memcpy(&value, bytes + index * sizeof(Element), sizeof(Element));
  return value;
}

// Calls `store(i, value)` for every element, `value` being the element in its own C++ type; false for a descr
// that is not an integer (or bool) type.
template <class Store>
bool visit_integers(const NpyArray& array, size_t count, Store store) {
  const uint8_t* bytes = array.bytes.data();
  const std::string& d = array.descr;
  if (d == "<i8") for (size_t i = 0; i < count; ++i) store(i, load<int64_t>(bytes, i));
  else if (d == "<i4") for (size_t i = 0; i < count; ++i) store(i, load<int32_t>(bytes, i));
  else if (d == "<i2") for (size_t i = 0; i < count; ++i) store(i, load<int16_t>(bytes, i));
  else if (d == "|i1") for (size_t i = 0; i < count; ++i) store(i, load<int8_t>(bytes, i));
  else if (d == "<u8") for (size_t i = 0; i < count; ++i) store(i, load<uint64_t>(bytes, i));
  else if (d == "<u4") for (size_t i = 0; i < count; ++i) store(i, load<uint32_t>(bytes, i));
  else if (d == "<u2") for (size_t i = 0; i < count; ++i) store(i, load<uint16_t>(bytes, i));
  else if (d == "|u1") for (size_t i = 0; i < count; ++i) store(i, load<uint8_t>(bytes, i));
  else if (d == "|b1") for (size_t i = 0; i < count; ++i) store(i, static_cast<uint8_t>(load<uint8_t>(bytes, i) != 0));
  else return false;
  return true;
}

// The element count the bytes hold, refusing arrays whose bytes and shape disagree (hand-built NpyArrays).
size_t checked_count(const NpyArray& array, size_t item_size) {
  if (item_size == 0) fail("npy array: unsupported dtype '", array.descr, "'");
  const int64_t numel = shape_numel(array.shape);
  if (numel < 0 || array.bytes.size() != static_cast<size_t>(numel) * item_size)
    fail("npy array of dtype '", array.descr, "' and shape ", shape_to_string(array.shape), " holds ",
         array.bytes.size(), " bytes, which does not match");
  return static_cast<size_t>(numel);
}

}  // namespace

Tensor NpyArray::to_float() const {
  const size_t count = checked_count(*this, npy_item_size(descr));
  Tensor tensor(shape);
  float* out = tensor.ptr();
  const uint8_t* in = bytes.data();
  if (descr == "<f4") {
    if (count > 0) std::memcpy(out, in, 4 * count);
  } else if (descr == "<f8") {
    for (size_t i = 0; i < count; ++i) out[i] = static_cast<float>(load<double>(in, i));  // round to nearest
  } else if (descr == "<f2") {
    for (size_t i = 0; i < count; ++i) out[i] = half_bits_to_float(load<uint16_t>(in, i));
  } else {
    visit_integers(*this, count, [out](size_t i, auto value) { out[i] = static_cast<float>(value); });
  }
  return tensor;
}

IntTensor NpyArray::to_int64() const {
  const size_t count = checked_count(*this, npy_item_size(descr));
  IntTensor tensor{shape, std::vector<int64_t>(count)};
  int64_t* out = tensor.data.data();
  bool too_large = false;
  const bool integer = visit_integers(*this, count, [out, &too_large](size_t i, auto value) {
    if constexpr (std::is_same_v<decltype(value), uint64_t>) too_large |= value > static_cast<uint64_t>(INT64_MAX);
    out[i] = static_cast<int64_t>(value);
  });
  if (!integer) fail("npy array of dtype '", descr, "' is not an integer array (expected an integer dtype)");
  if (too_large) fail("npy array of dtype '<u8' holds a value larger than the int64 maximum");
  return tensor;
}

}  // namespace splicebert
