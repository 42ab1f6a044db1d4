#pragma once
// An allowed interval of a setting (an experiment key, a head hyperparameter), and the one way numbers are written
// in messages, so that "is outside [0, 1]" reads the same wherever it is said.
#include <string>

namespace marginlab {

struct Range {
  double lo;
  double hi;
  bool lo_open = false;
  bool hi_open = false;

  bool contains(double value) const;  // false for NaN and ±inf
  std::string describe() const;       // "[0, 1]", "(0, inf)", ...
};

// Shortest readable text of a number in messages: up to 10 significant digits, "inf" and "-inf".
std::string format_number(double value);

}  // namespace marginlab
