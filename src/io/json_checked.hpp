// Exact conversions for the config readers: nlohmann's get<T>() turns a JSON float or a wider integer into an
// integral T without a check, and a float outside T's range is undefined behaviour (found by fuzz_config_json:
// a pre-training config with "local_attention_offsets": [-2.5e26]). A reader asks json_converts_exactly<T>(j)
// first and reports a wrong type when it says no.
#pragma once
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

namespace splicebert::io {

// True when `j` is a JSON integer that the integral type T holds exactly.
template <class T>
bool json_integer_fits(const nlohmann::json& j) {
  static_assert(std::is_integral_v<T> && !std::is_same_v<T, bool>);
  if (!j.is_number_integer()) return false;
  if (j.is_number_unsigned()) return j.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<T>::max());
  const int64_t v = j.get<int64_t>();
  if constexpr (std::is_unsigned_v<T>) return v >= 0 && static_cast<uint64_t>(v) <= std::numeric_limits<T>::max();
  else return v >= std::numeric_limits<T>::min() && v <= std::numeric_limits<T>::max();
}

template <class T>
struct is_std_vector : std::false_type {};
template <class T>
struct is_std_vector<std::vector<T>> : std::true_type {};

// True when get<T>() gives exactly what `j` holds: a boolean for bool, a fitting integer for other integral types,
// any number for floating point, a string for std::string, and an array of such for std::vector. Other types are
// left to nlohmann's own checks (true here).
template <class T>
bool json_converts_exactly(const nlohmann::json& j) {
  if constexpr (std::is_same_v<T, bool>) return j.is_boolean();
  else if constexpr (std::is_integral_v<T>) return json_integer_fits<T>(j);
  else if constexpr (std::is_floating_point_v<T>) return j.is_number();
  else if constexpr (std::is_same_v<T, std::string>) return j.is_string();
  else if constexpr (is_std_vector<T>::value) {
    if (!j.is_array()) return false;
    for (const nlohmann::json& item : j)
      if (!json_converts_exactly<typename T::value_type>(item)) return false;
    return true;
  } else {
    return true;
  }
}

}  // namespace splicebert::io
