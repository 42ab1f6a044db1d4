#include "engine/backbones/prelu.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <vector>

#include "engine/backbones/ordered_sums.h"

namespace marginlab::backbones {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

enum class Layout { planes, channels_last };

// Where the one-pass backward applies, and how the channel of an element follows from its offset: contiguous (N, C,
// ...) memory is N·C planes of one channel each; channels-last memory is rows of C channels.
std::optional<Layout> fused_layout(const torch::Tensor& input, const torch::Tensor& weight) {
  if (!input.device().is_cpu() || input.scalar_type() != torch::kFloat32 || weight.scalar_type() != torch::kFloat32 ||
      input.dim() < 2 || weight.dim() != 1 || weight.numel() != input.size(1) || !weight.is_contiguous()) {
    return std::nullopt;
  }
  if (input.is_contiguous()) return Layout::planes;
  if (input.dim() == 4 && input.is_contiguous(torch::MemoryFormat::ChannelsLast)) return Layout::channels_last;
  return std::nullopt;
}

// The loops use the compiler's vector types (GCC and Clang): written as scalar code, the select on the sign stays a
// branch (GCC 12 does not if-convert it), which mispredicts on half of all activations and made this backward slower
// than LibTorch's. Four lanes are SSE2 on x86-64 and NEON on ARM, the baseline of either.
using Floats = float __attribute__((vector_size(16)));
constexpr std::int64_t kWidth = sizeof(Floats) / sizeof(float);

Floats load(const float* p) {
  Floats v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
void store(float* p, Floats v) { std::memcpy(p, &v, sizeof v); }

// ∂x = g where x > 0, else slope·g; the slope's term of one element is g·x where x ≤ 0, else 0.
struct Step {
  float dx, slope_term;
};
Step scalar_step(float x, float g, float slope) {
  const bool positive = x > 0;
  return {(positive ? 1.0f : slope) * g, (positive ? 0.0f : x) * g};
}

// The slope's gradient sums one term per activation. Float partial sums of a few terms, added up in double, keep it
// as accurate as LibTorch's reduction (a float sum over a whole plane drifted a distributed run's weights 14× further
// from the single-process run than LibTorch's did).
constexpr std::int64_t kTermsPerPartial = 16;

// ∂x and the per-plane sums of the slope's terms for planes of `inner` elements, plane p of channel p mod C.
void backward_planes(const float* x, const float* g, const float* slope, float* dx, double* plane_sums,
                     std::int64_t planes, std::int64_t inner, std::int64_t channels) {
  const auto grain = std::max<std::int64_t>(1, kBlockElements / inner);
  at::parallel_for(0, planes, grain, [&](std::int64_t begin, std::int64_t end) {
    const Floats zero{}, one = zero + 1.0f;
    for (std::int64_t p = begin; p < end; ++p) {
      const float a = slope[p % channels];
      const Floats av = zero + a;
      const float* xp = x + p * inner;
      const float* gp = g + p * inner;
      float* dxp = dx + p * inner;
      double sum = 0;
      const std::int64_t vector_end = inner - inner % kWidth;
      std::int64_t j = 0;
      while (j < vector_end) {
        Floats lanes{};
        const std::int64_t partial_end = std::min(vector_end, j + kTermsPerPartial * kWidth);
        for (; j < partial_end; j += kWidth) {
          const Floats xv = load(xp + j), gv = load(gp + j);
          const auto positive = xv > zero;
          store(dxp + j, (positive ? one : av) * gv);
          lanes += (positive ? zero : xv) * gv;
        }
        for (std::int64_t k = 0; k < kWidth; ++k) sum += lanes[k];
      }
      for (; j < inner; ++j) {
        const auto step = scalar_step(xp[j], gp[j], a);
        dxp[j] = step.dx;
        sum += step.slope_term;
      }
      plane_sums[p] = sum;
    }
  });
}

// ∂x and, per block of rows, the per-channel sums of the slope's terms, for rows of `channels` elements.
void backward_channels_last(const float* x, const float* g, const float* slope, float* dx, double* block_sums,
                            std::int64_t rows, std::int64_t channels, std::int64_t rows_per_block) {
  const std::int64_t blocks = (rows + rows_per_block - 1) / rows_per_block;
  at::parallel_for(0, blocks, 1, [&](std::int64_t begin, std::int64_t end) {
    const Floats zero{}, one = zero + 1.0f;
    std::vector<float> partial(static_cast<std::size_t>(channels));
    for (std::int64_t b = begin; b < end; ++b) {
      double* sums = block_sums + b * channels;
      const std::int64_t last = std::min(rows, (b + 1) * rows_per_block);
      for (std::int64_t first = b * rows_per_block; first < last; first += kTermsPerPartial) {
        std::fill(partial.begin(), partial.end(), 0.0f);
        float* terms = partial.data();
        for (std::int64_t r = first; r < std::min(last, first + kTermsPerPartial); ++r) {
          const float* xr = x + r * channels;
          const float* gr = g + r * channels;
          float* dxr = dx + r * channels;
          std::int64_t c = 0;
          for (; c + kWidth <= channels; c += kWidth) {
            const Floats xv = load(xr + c), gv = load(gr + c);
            const auto positive = xv > zero;
            store(dxr + c, (positive ? one : load(slope + c)) * gv);
            store(terms + c, load(terms + c) + (positive ? zero : xv) * gv);
          }
          for (; c < channels; ++c) {
            const auto step = scalar_step(xr[c], gr[c], slope[c]);
            dxr[c] = step.dx;
            terms[c] += step.slope_term;
          }
        }
        for (std::int64_t c = 0; c < channels; ++c) sums[c] += terms[c];
      }
    }
  });
}

struct PReLUFunction : torch::autograd::Function<PReLUFunction> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& input, const torch::Tensor& weight) {
    ctx->save_for_backward({input, weight});
    return torch::prelu(input, weight);
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const auto& input = saved[0];
    const auto& weight = saved[1];
    const auto layout = *fused_layout(input, weight);
    const auto format =
        layout == Layout::channels_last ? torch::MemoryFormat::ChannelsLast : torch::MemoryFormat::Contiguous;
    const auto g = grads[0].contiguous(format);
    auto dx = torch::empty_like(input, torch::MemoryFormat::Preserve);
    const auto channels = input.size(1);
    torch::Tensor sums;
    if (layout == Layout::planes) {
      const auto planes = input.size(0) * channels;
      const auto inner = input.numel() / planes;
      sums = torch::empty({input.size(0), channels}, torch::kFloat64);
      backward_planes(input.data_ptr<float>(), g.data_ptr<float>(), weight.data_ptr<float>(), dx.data_ptr<float>(),
                      sums.data_ptr<double>(), planes, inner, channels);
    } else {
      const auto rows = input.numel() / channels;
      const auto rows_per_block = std::max<std::int64_t>(1, kBlockElements / channels);
      const auto blocks = (rows + rows_per_block - 1) / rows_per_block;
      sums = torch::zeros({blocks, channels}, torch::kFloat64);
      backward_channels_last(input.data_ptr<float>(), g.data_ptr<float>(), weight.data_ptr<float>(),
                             dx.data_ptr<float>(), sums.data_ptr<double>(), rows, channels, rows_per_block);
    }
    return {dx, sum_rows(sums).to(torch::kFloat32)};
  }
};

}  // namespace

torch::Tensor prelu(const torch::Tensor& input, const torch::Tensor& weight) {
  if (!fused_layout(input, weight) || !torch::GradMode::is_enabled() ||
      !(input.requires_grad() || weight.requires_grad())) {
    return torch::prelu(input, weight);
  }
  return PReLUFunction::apply(input, weight);
}

}  // namespace marginlab::backbones
