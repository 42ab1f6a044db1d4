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
  // Appended piece by piece: the same expression as one chain of operator+ trips GCC 12's -Wrestrict (a false
  // positive in its inlined std::string copies).
  std::string text(lo_open ? "(" : "[");
  text += format_number(lo);
  text += ", ";
  text += format_number(hi);
  text += hi_open ? ")" : "]";
  return text;
}

std::string format_number(double value) {
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  std::ostringstream out;
  out.precision(10);
  out << value;
  return out.str();
}

}  // namespace marginlab
