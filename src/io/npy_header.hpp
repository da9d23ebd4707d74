// The NumPy .npy header: a Python dict literal such as
//   {'descr': '<f4', 'fortran_order': False, 'shape': (5, 1026), }
// parsed without a Python interpreter (only the three keys numpy writes are accepted) and written exactly as
// numpy 1.24 writes it, so our files are byte-identical to numpy's.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

#include "splicebert/tensor.hpp"

namespace splicebert {

struct NpyHeader {
  std::string descr;
  bool fortran_order = false;
  Shape shape;
};

// `source` names the file in error messages.
NpyHeader parse_npy_header_dict(std::string_view text, const std::string& source);
// The dict text, its growth spare space and the padding that makes magic + length + header a multiple of 64 bytes;
// ends in '\n'.
std::string format_npy_header_dict(const std::string& descr, const Shape& shape);

// Magic, version 1.0, length and dict: what precedes the data of an .npy we write.
std::string npy_header_bytes(const std::string& descr, const Shape& shape);

// Bytes per element of a supported descr ('<f4', '<i8', '|u1', ...); 0 when the descr is not supported.
size_t npy_item_size(const std::string& descr);

}  // namespace splicebert
