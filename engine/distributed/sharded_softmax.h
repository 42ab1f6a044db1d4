#pragma once
// The two pieces of Partial FC that cross ranks (distributed.md §2): gathering every rank's rows with a gradient
// that flows back to the rank they came from, and the softmax cross-entropy over classes spread across ranks.
#include <torch/torch.h>

#include "engine/distributed/communicator.h"

namespace marginlab::distributed {

// Every rank's rows of `local` (B_l × ...), concatenated in rank order (W·B_l × ...). Differentiable: each rank's
// loss depends on every gathered row, so the backward sums the ranks' gradients of the gathered rows (one allreduce)
// and hands each rank its own block: the gradient the single-process batch would give those rows. Every rank must
// pass the same B_l; a mismatch is refused on every rank with the sizes, before the rows travel.
torch::Tensor gather_rows(const std::shared_ptr<Communicator>& comm, const torch::Tensor& local);

// The mean softmax cross-entropy of B rows whose classes are spread across ranks: `logits` are this rank's columns
// (B × C_r, scaled, margins applied), `target` the column of each row's class when this rank holds it, else −1.
// Rows whose class no rank holds are left out of the mean. The same value on every rank, and each rank's gradient
// is its columns of the full softmax's: (p − onehot)/n. The value is taken in log space, equal to one process's
// log_softmax where p_y underflows (arcface_torch clamps p_y at 1e-30 there, capping a row at 69.08).
torch::Tensor sharded_cross_entropy(const std::shared_ptr<Communicator>& comm, const torch::Tensor& logits,
                                    const torch::Tensor& target);

}  // namespace marginlab::distributed
