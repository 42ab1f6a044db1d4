#include "core/range.h"

#include <cmath>
#include <sstream>

namespace marginlab {

bool Range::contains(double value) const {
  if (!std::isfinite(value)) return false;
  const bool above = lo_open ? value > lo : value >= lo;
  const bool below = hi_open ? value < hi : value <= hi;
  return above && below;
}

std::string Range::describe() const {
  return std::string(lo_open ? "(" : "[") + format_number(lo) + ", " + format_number(hi) + (hi_open ? ")" : "]");
}

std::string format_number(double value) {
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  std::ostringstream out;
  out.precision(10);
  out << value;
  return out.str();
}

}  // namespace marginlab
