#pragma once
// Checkpoints are written atomically: to a temporary file beside the target, flushed to disk, then renamed over
// it. A crash at any moment leaves either the previous checkpoint or the new one, never a torn file.
#include <torch/torch.h>

#include <filesystem>

namespace marginlab::train {

// Throws InvalidFile naming the path when the file cannot be written; the previous checkpoint is then untouched.
void write_checkpoint_atomically(torch::serialize::OutputArchive& archive, const std::filesystem::path& path);

}  // namespace marginlab::train
