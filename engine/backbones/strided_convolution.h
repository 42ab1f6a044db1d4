#pragma once
// Strided 3×3 convolutions whose weight gradient is computed by oneDNN in its blocked layout. For channels-last
// tensors LibTorch 1.13 asks oneDNN 2.6 for the weight gradient in that layout (nhwc), and oneDNN's kernel for it is
// slow at stride 2: ir18's four stride-2 convolutions ran at 115–230 GFLOP/s against 170–310 when the activation and
// its gradient are first reordered to oneDNN's nChw16c, reorders included (docs/training.md). The forward pass and
// the input's gradient stay LibTorch's (their channels-last kernels are the faster ones).
#include <torch/torch.h>

namespace marginlab::backbones {

// Whether this build has it (MARGINLAB_WITH_DNNL: oneDNN 2.x's headers, libdnnl-dev, were found).
bool blocked_weight_gradient_available();

// Whether `conv` applied to `x` goes through the blocked weight gradient: a build with oneDNN (MARGINLAB_WITH_DNNL),
// training with gradients, a float32 channels-last CPU input, a 3×3 kernel of stride 2, padding 1, no bias,
// dilation or groups.
bool blocked_weight_gradient_applies(const torch::nn::Conv2dImpl& conv, const torch::Tensor& x);

// `conv` applied to `x`, with the weight's gradient computed by oneDNN in its blocked layout. Only where
// blocked_weight_gradient_applies.
torch::Tensor convolve_with_blocked_weight_gradient(const torch::nn::Conv2dImpl& conv, const torch::Tensor& x);

}  // namespace marginlab::backbones
