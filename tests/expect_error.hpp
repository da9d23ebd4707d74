// expect_error(callable, {"path", "keyword"}): the callable must throw splicebert::Error, and its message must
// contain every listed fragment. Used by the I/O tests, whose contract is that errors name the file and the problem.
#pragma once
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

#include "splicebert/error.hpp"

namespace splicebert::test {

template <class Callable>
void expect_error(Callable&& callable, std::initializer_list<std::string> fragments) {
  try {
    callable();
  } catch (const splicebert::Error& error) {
    const std::string message = error.what();
    for (const std::string& fragment : fragments)
      EXPECT_NE(message.find(fragment), std::string::npos) << "message: " << message << "\nlacks: " << fragment;
    return;
  } catch (const std::exception& other) {
    ADD_FAILURE() << "expected splicebert::Error, got another exception: " << other.what();
    return;
  }
  ADD_FAILURE() << "expected splicebert::Error, nothing was thrown";
}

}  // namespace splicebert::test
