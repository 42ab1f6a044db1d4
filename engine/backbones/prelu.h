#pragma once
// PReLU as the backbones use it: LibTorch's module (the same `weight` per channel, state-dict name, walkers and ONNX
// export), with a backward that reads the activations once. LibTorch 1.13's CPU prelu_backward walks them several
// times and took a quarter of the demo network's training step and an eighth of ir18's (bench train --profile), more
// than the network's BatchNorms; this backward is one pass in either memory format.
#include <torch/torch.h>

namespace marginlab::backbones {

// y = x where x > 0, else weight[c]·x, for input (N, C, ...) and weight (C). On the CPU in float32, contiguous or
// channels-last, the gradients are computed in one pass: ∂x = g or weight[c]·g, ∂weight[c] = Σ g·x over x ≤ 0, summed
// in an order that does not depend on the thread count. Anything else is LibTorch's prelu.
torch::Tensor prelu(const torch::Tensor& input, const torch::Tensor& weight);

class PReLUImpl : public torch::nn::PReLUImpl {
 public:
  using torch::nn::PReLUImpl::PReLUImpl;
  torch::Tensor forward(const torch::Tensor& input) { return backbones::prelu(input, weight); }
};
TORCH_MODULE(PReLU);

}  // namespace marginlab::backbones
