#pragma once
// Inner products for the identification protocols, accumulated in double with four running sums: the compiler may
// not reorder one floating-point sum, and four independent ones keep the multiply-adds in flight. Rows of a few
// hundred dimensions, a gallery of up to ~160k (TinyFace's distractors): the score matrix is never held whole.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace marginlab::benchmarks {

template <typename A, typename B>
double inner_product(const A* a, const B* b, std::int64_t dim) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  std::int64_t k = 0;
  for (; k + 4 <= dim; k += 4) {
    s0 += static_cast<double>(a[k]) * static_cast<double>(b[k]);
    s1 += static_cast<double>(a[k + 1]) * static_cast<double>(b[k + 1]);
    s2 += static_cast<double>(a[k + 2]) * static_cast<double>(b[k + 2]);
    s3 += static_cast<double>(a[k + 3]) * static_cast<double>(b[k + 3]);
  }
  for (; k < dim; ++k) s0 += static_cast<double>(a[k]) * static_cast<double>(b[k]);
  return (s0 + s1) + (s2 + s3);
}

// out[j] = <probe, rows_of(gallery[j])> for a matrix type with row(i) and dim.
template <typename Probe, typename Matrix>
void inner_products(const Probe* probe, const Matrix& matrix, std::span<const std::size_t> gallery,
                    std::span<double> out) {
  for (std::size_t j = 0; j < gallery.size(); ++j) out[j] = inner_product(probe, matrix.row(gallery[j]), matrix.dim);
}

}  // namespace marginlab::benchmarks
