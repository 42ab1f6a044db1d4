#pragma once
// A BatchNorm followed by a PReLU, as the IResNets have them (the stem's bn1 → prelu, each block's bn2 → prelu),
// computed as one step in training. Apart, the BatchNorm writes its output, the PReLU reads it back and keeps it for
// its backward, whose gradient the BatchNorm's backward then reads twice; together, the PReLU's input is recomputed
// from the BatchNorm's (one multiply-add) wherever it is needed: one pass less over the activation forward, three
// less backward, and one activation less kept per pair.
#include <torch/torch.h>

#include "engine/backbones/prelu.h"
#include "engine/backbones/sync_batch_norm.h"

namespace marginlab::backbones {

// prelu(norm(x)), its statistics, running statistics and gradients as LibTorch's BatchNorm2d and PReLU give them, up
// to the order of the sums. Fused when `norm` trains on its own batch or on equal parts of it (Ghost BatchNorm, not
// synchronised over ranks), is affine and tracks running statistics, `x` is a channels-last float32 CPU tensor whose
// channels are a multiple of 8 and a gradient is wanted; otherwise it is the two modules one after the other.
torch::Tensor batch_norm_prelu(SyncBatchNorm2dImpl& norm, PReLUImpl& prelu, const torch::Tensor& x);

}  // namespace marginlab::backbones
