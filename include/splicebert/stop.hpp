// A long run (fine-tuning, pre-training) stopped on request through its should_stop hook: the caller learns what
// was committed before the stop, which stays valid for a resume.
#pragma once
#include "splicebert/error.hpp"

namespace splicebert {

class Stopped : public Error {
 public:
  using Error::Error;
};

}  // namespace splicebert
