#include "engine/backbones/batch_norm_prelu.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "engine/backbones/ordered_sums.h"

namespace marginlab::backbones {
namespace {
// Named apart from prelu.cpp's helpers, which share a translation unit with these in unity builds.
namespace fused {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// The kernels below are memory-bound only where the arithmetic keeps up: on x86-64 they are also compiled for AVX2
// with FMA and for AVX-512, and the loader picks the best the CPU has (the baseline SSE2 build is the fallback).
#if defined(__x86_64__) && defined(__GNUC__)
// The helpers below pass 32-byte vectors by value; in the baseline build GCC notes that AVX would pass them
// differently. They are inlined into each kernel and never cross a library boundary.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"
#define MARGINLAB_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define MARGINLAB_VECTOR_CLONES
#endif

// Eight channels at a time, as the compiler's vector types (one AVX register, two SSE2 or NEON ones). The kernels walk
// their block of rows in memory order (channels-last: a row is one pixel's channels); the per-channel constants and
// sums they use are short arrays that stay in the L1 cache. (Walking one group of eight channels down all the rows,
// to keep those in registers, was half as fast: it reads each cache line in pieces, far apart in time.)
using Floats = float __attribute__((vector_size(32)));
constexpr std::int64_t kWidth = 8;

// Float sums of this many rows are added into float64 ones (see prelu.cpp: whole-block float sums drift).
constexpr std::int64_t kRowsPerPartial = 16;

inline Floats load(const float* p) {
  Floats v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store(float* p, Floats v) { std::memcpy(p, &v, sizeof v); }
inline void accumulate(float* p, Floats v) { store(p, load(p) + v); }

// Adds float partial sums (`count` channels) into float64 totals and clears the partials.
inline void flush(float* partial, double* total, std::int64_t count) {
  for (std::int64_t c = 0; c < count; ++c) {
    total[c] += partial[c];
    partial[c] = 0.0f;
  }
}

// Per channel, Σ(x − shift) and Σ(x − shift)² over `rows` rows. The shift (one row of the batch) keeps the variance
// from cancelling when a channel's mean is large against its spread.
MARGINLAB_VECTOR_CLONES
void block_moments(const float* x, std::int64_t rows, std::int64_t channels, const float* shift, double* sum,
                   double* square_sum) {
  std::vector<float> partial(static_cast<std::size_t>(2 * channels));
  float *p1 = partial.data(), *p2 = p1 + channels;
  for (std::int64_t r = 0; r < rows; ++r) {
    const float* row = x + r * channels;
    for (std::int64_t c = 0; c < channels; c += kWidth) {
      const Floats v = load(row + c) - load(shift + c);
      accumulate(p1 + c, v);
      accumulate(p2 + c, v * v);
    }
    if ((r + 1) % kRowsPerPartial == 0 || r + 1 == rows) {
      flush(p1, sum, channels);
      flush(p2, square_sum, channels);
    }
  }
}

// z = prelu(x·scale + shift): the BatchNorm's output as LibTorch's channels-last kernel computes it, then the PReLU.
MARGINLAB_VECTOR_CLONES
void block_forward(const float* x, float* z, std::int64_t rows, std::int64_t channels, const float* scale,
                   const float* shift, const float* slope) {
  const Floats zero{};
  for (std::int64_t i = 0; i < rows * channels; i += channels) {
    for (std::int64_t c = 0; c < channels; c += kWidth) {
      const Floats y = load(x + i + c) * load(scale + c) + load(shift + c);
      store(z + i + c, y > zero ? y : load(slope + c) * y);
    }
  }
}

// Per channel, with y recomputed as in the forward and dy the gradient reaching the BatchNorm's output (g where
// y > 0, else slope·g): Σ dy, Σ dy·(x − mean), and the slope's gradient Σ g·y over y ≤ 0.
MARGINLAB_VECTOR_CLONES
void block_gradient_sums(const float* x, const float* g, std::int64_t rows, std::int64_t channels, const float* mean,
                         const float* scale, const float* shift, const float* slope, double* sum_dy,
                         double* sum_dy_centred, double* sum_slope) {
  const Floats zero{};
  std::vector<float> partial(static_cast<std::size_t>(3 * channels));
  float *p1 = partial.data(), *p2 = p1 + channels, *p3 = p2 + channels;
  for (std::int64_t r = 0; r < rows; ++r) {
    const float *xr = x + r * channels, *gr = g + r * channels;
    for (std::int64_t c = 0; c < channels; c += kWidth) {
      const Floats xv = load(xr + c), gv = load(gr + c);
      const Floats y = xv * load(scale + c) + load(shift + c);
      const auto positive = y > zero;
      const Floats dy = positive ? gv : load(slope + c) * gv;
      accumulate(p1 + c, dy);
      accumulate(p2 + c, dy * (xv - load(mean + c)));
      accumulate(p3 + c, positive ? zero : gv * y);
    }
    if ((r + 1) % kRowsPerPartial == 0 || r + 1 == rows) {
      flush(p1, sum_dy, channels);
      flush(p2, sum_dy_centred, channels);
      flush(p3, sum_slope, channels);
    }
  }
}

// dx = scale·dy + c1 + (x − mean)·c2, the BatchNorm's input gradient with the batch's statistics differentiated
// (c1 = −scale·mean(dy), c2 = −scale·invstd²·mean(dy·(x − mean))).
MARGINLAB_VECTOR_CLONES
void block_input_gradient(const float* x, const float* g, float* dx, std::int64_t rows, std::int64_t channels,
                          const float* mean, const float* scale, const float* shift, const float* slope,
                          const float* c1, const float* c2) {
  const Floats zero{};
  for (std::int64_t i = 0; i < rows * channels; i += channels) {
    for (std::int64_t c = 0; c < channels; c += kWidth) {
      const Floats xv = load(x + i + c), gv = load(g + i + c), s = load(scale + c);
      const Floats y = xv * s + load(shift + c);
      const Floats dy = y > zero ? gv : load(slope + c) * gv;
      store(dx + i + c, s * dy + load(c1 + c) + (xv - load(mean + c)) * load(c2 + c));
    }
  }
}

std::int64_t rows_per_block(std::int64_t channels) {
  return std::max<std::int64_t>(kRowsPerPartial, kBlockElements / channels);
}

std::int64_t block_count(std::int64_t rows, std::int64_t channels) {
  return (rows + rows_per_block(channels) - 1) / rows_per_block(channels);
}

// Calls `kernel(first_row, rows, block)` for every block of rows, in parallel.
template <class Kernel>
void for_each_block(std::int64_t rows, std::int64_t channels, Kernel kernel) {
  const auto per_block = rows_per_block(channels);
  at::parallel_for(0, block_count(rows, channels), 1, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t b = begin; b < end; ++b) {
      const auto first = b * per_block;
      kernel(first, std::min(per_block, rows - first), b);
    }
  });
}

// The BatchNorm's affine map folded with its statistics, y = x·scale + shift, as float32 vectors of the channels.
struct Affine {
  torch::Tensor scale, shift;
};
Affine fold(const torch::Tensor& gamma, const torch::Tensor& beta, const torch::Tensor& mean,
            const torch::Tensor& invstd) {
  auto scale = (gamma * invstd).contiguous();
  return {scale, (beta - mean * scale).contiguous()};
}

struct BatchNormPReLUFunction : torch::autograd::Function<BatchNormPReLUFunction> {
  // `mean` and `invstd` are the batch's statistics of `x` (computed outside: they carry no gradient of their own, the
  // backward differentiates through them).
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x, const torch::Tensor& gamma,
                               const torch::Tensor& beta, const torch::Tensor& slope, const torch::Tensor& mean,
                               const torch::Tensor& invstd) {
    const auto channels = x.size(1), rows = x.numel() / channels;
    const auto affine = fold(gamma, beta, mean, invstd);
    auto z = torch::empty_like(x, torch::MemoryFormat::ChannelsLast);
    const float* in = x.data_ptr<float>();
    float* out = z.data_ptr<float>();
    for_each_block(rows, channels, [&](std::int64_t first, std::int64_t count, std::int64_t) {
      block_forward(in + first * channels, out + first * channels, count, channels, affine.scale.data_ptr<float>(),
                    affine.shift.data_ptr<float>(), slope.data_ptr<float>());
    });
    // The folded map goes to the backward as it is: folding it again there would repeat the forward's arithmetic.
    ctx->save_for_backward({x, slope, mean, invstd});
    ctx->saved_data["scale"] = affine.scale;
    ctx->saved_data["shift"] = affine.shift;
    return z;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const auto &x = saved[0], &slope = saved[1], &mean = saved[2], &invstd = saved[3];
    const auto scale = ctx->saved_data["scale"].toTensor(), shift = ctx->saved_data["shift"].toTensor();
    const auto g = grads[0].contiguous(torch::MemoryFormat::ChannelsLast);
    const auto channels = x.size(1), rows = x.numel() / channels;
    const float *in = x.data_ptr<float>(), *grad = g.data_ptr<float>();
    const float *m = mean.data_ptr<float>(), *s = scale.data_ptr<float>(), *t = shift.data_ptr<float>(),
                *a = slope.data_ptr<float>();

    const auto blocks = block_count(rows, channels);
    auto sums = torch::zeros({3, blocks, channels}, torch::kFloat64);
    double* table = sums.data_ptr<double>();
    for_each_block(rows, channels, [&](std::int64_t first, std::int64_t count, std::int64_t b) {
      block_gradient_sums(in + first * channels, grad + first * channels, count, channels, m, s, t, a,
                          table + b * channels, table + (blocks + b) * channels, table + (2 * blocks + b) * channels);
    });
    const auto sum_dy = sum_rows(sums[0]), sum_dy_centred = sum_rows(sums[1]), sum_slope = sum_rows(sums[2]);

    const auto n = static_cast<double>(rows);
    const auto invstd64 = invstd.to(torch::kFloat64), scale64 = scale.to(torch::kFloat64);
    const auto c1 = (-scale64 * sum_dy / n).to(torch::kFloat32).contiguous();
    const auto c2 = (-scale64 * invstd64 * invstd64 * sum_dy_centred / n).to(torch::kFloat32).contiguous();
    auto dx = torch::empty_like(x, torch::MemoryFormat::ChannelsLast);
    float* out = dx.data_ptr<float>();
    for_each_block(rows, channels, [&](std::int64_t first, std::int64_t count, std::int64_t) {
      block_input_gradient(in + first * channels, grad + first * channels, out + first * channels, count, channels, m,
                           s, t, a, c1.data_ptr<float>(), c2.data_ptr<float>());
    });
    const auto type = scale.scalar_type();
    return {dx,
            (invstd64 * sum_dy_centred).to(type),
            sum_dy.to(type),
            sum_slope.to(type),
            torch::Tensor(),
            torch::Tensor()};
  }
};

bool fusable(const SyncBatchNorm2dImpl& norm, const PReLUImpl& prelu, const torch::Tensor& x) {
  const auto& o = norm.options;
  if (!norm.is_training() || norm.synchronised() || !o.affine() || !o.track_running_stats()) return false;
  if (!torch::GradMode::is_enabled() || x.dim() != 4 || !x.device().is_cpu()) return false;
  const auto channels = x.size(1);
  const auto floats = [](const torch::Tensor& t) { return t.scalar_type() == torch::kFloat32 && t.is_contiguous(); };
  return x.scalar_type() == torch::kFloat32 && x.is_contiguous(torch::MemoryFormat::ChannelsLast) &&
         channels % kWidth == 0 && x.size(0) % norm.groups() == 0 && x.numel() / channels > norm.groups() &&
         floats(norm.weight) && floats(norm.bias) && floats(prelu.weight) && prelu.weight.numel() == channels &&
         (x.requires_grad() || norm.weight.requires_grad() || norm.bias.requires_grad() ||
          prelu.weight.requires_grad());
}

}  // namespace fused

// One fused step on the statistics of all of `x`.
torch::Tensor fused_step(SyncBatchNorm2dImpl& norm, PReLUImpl& prelu, const torch::Tensor& x) {
  const auto channels = x.size(1), rows = x.numel() / channels;
  const float* in = x.data_ptr<float>();

  // The batch's statistics in float64, from sums shifted by the first pixel's channels.
  const auto shift = x.select(0, 0).select(1, 0).select(1, 0).contiguous();  // (C): row 0
  const auto blocks = fused::block_count(rows, channels);
  auto moments = torch::zeros({2, blocks, channels}, torch::kFloat64);
  double* table = moments.data_ptr<double>();
  fused::for_each_block(rows, channels, [&](std::int64_t first, std::int64_t count, std::int64_t b) {
    fused::block_moments(in + first * channels, count, channels, shift.data_ptr<float>(), table + b * channels,
                         table + (blocks + b) * channels);
  });
  const auto n = static_cast<double>(rows);
  const auto centred_mean = sum_rows(moments[0]) / n;
  const auto mean = shift.to(torch::kFloat64) + centred_mean;
  const auto variance = (sum_rows(moments[1]) / n - centred_mean * centred_mean).clamp_min(0.0);

  norm.track_batch(mean, variance, n);
  const auto invstd = (variance + norm.options.eps()).rsqrt().to(torch::kFloat32);
  return fused::BatchNormPReLUFunction::apply(x, norm.weight, norm.bias, prelu.weight, mean.to(torch::kFloat32),
                                              invstd);
}

}  // namespace

torch::Tensor batch_norm_prelu(SyncBatchNorm2dImpl& norm, PReLUImpl& prelu, const torch::Tensor& x) {
  if (!fused::fusable(norm, prelu, x)) return prelu.forward(norm.forward(x));
  if (norm.groups() == 1) return fused_step(norm, prelu, x);
  // Ghost BatchNorm: each of the batch's equal parts on its own statistics, the running ones moved once per part, as
  // the BatchNorm does it (and as each rank of a distributed run computes its share).
  std::vector<torch::Tensor> parts;
  for (const auto& part : x.chunk(norm.groups(), 0)) parts.push_back(fused_step(norm, prelu, part));
  return torch::cat(parts, 0).contiguous(torch::MemoryFormat::ChannelsLast);
}

}  // namespace marginlab::backbones

#if defined(__x86_64__) && defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
