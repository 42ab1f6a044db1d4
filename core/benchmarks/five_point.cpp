#include "core/benchmarks/five_point.h"

#include <fmt/format.h>

#include <cmath>

#include "core/benchmarks/text_table.h"
#include "core/errors.h"

namespace marginlab::benchmarks {

AffineMatrix estimate_similarity(const FivePoints& from, const FivePoints& to) {
  double from_x = 0, from_y = 0, to_x = 0, to_y = 0;
  for (std::size_t i = 0; i < 5; ++i) {
    if (!std::isfinite(from[2 * i]) || !std::isfinite(from[2 * i + 1])) {
      throw InvalidParameter(fmt::format("landmark {} ({}, {}) is not finite", i + 1, from[2 * i], from[2 * i + 1]));
    }
    from_x += from[2 * i] / 5.0;
    from_y += from[2 * i + 1] / 5.0;
    to_x += to[2 * i] / 5.0;
    to_y += to[2 * i + 1] / 5.0;
  }
  // With p and q the centred points, the least-squares [[a, −b], [b, a]] has a = Σ p·q / Σ|p|² and
  // b = Σ p×q / Σ|p|²: a scaled rotation always, so a mirrored face is rotated, not reflected (as Umeyama's
  // determinant correction does).
  double spread = 0, dot = 0, cross = 0;
  for (std::size_t i = 0; i < 5; ++i) {
    const double px = from[2 * i] - from_x, py = from[2 * i + 1] - from_y;
    const double qx = to[2 * i] - to_x, qy = to[2 * i + 1] - to_y;
    spread += px * px + py * py;
    dot += px * qx + py * qy;
    cross += px * qy - py * qx;
  }
  if (!(spread > 1e-6)) {
    throw InvalidParameter(fmt::format("the five landmarks coincide (spread {:.3g} px²): no face to align", spread));
  }
  const double a = dot / spread, b = cross / spread;
  return {a, -b, to_x - (a * from_x - b * from_y), b, a, to_y - (b * from_x + a * from_y)};
}

std::vector<LandmarkEntry> read_landmark_file(const std::filesystem::path& file) {
  std::vector<LandmarkEntry> entries;
  TextTable table(file, FieldSeparator::blanks);
  while (table.next()) {
    table.require_fields(11, "path, x1 y1 … x5 y5");
    if (table.size() > 12) table.fail(fmt::format("{} fields where 11 or 12 are expected", table.size()));
    LandmarkEntry entry{std::string(table.field(0)), {}, table.line_number()};
    for (std::size_t k = 0; k < 10; ++k) entry.points[k] = table.single(1 + k, "landmark coordinate");
    entries.push_back(std::move(entry));
  }
  if (entries.empty()) throw InvalidFile(file.string() + ": no landmarks");
  return entries;
}

}  // namespace marginlab::benchmarks
