#pragma once
// `marginlab-cli embed`: a trained run's embeddings of a dataset as NumPy files, for analysis in Python. For
// `--out E.npy`:
//   E.npy          float32 (N, D): unit embeddings, row i = image i of the data in its own order (AdaFace's
//                  convention: the direction here, the norm apart); zero rows for images that could not be read
//   E.norms.npy    float32 (N,): the raw embeddings' L2 norms (the quality proxy); NaN for unreadable images
//   E.labels.npy   int64 (N,): class ids; −1 where the data has none (verification packs)
//   E.quality.npy  float32 (N,): the true quality, only where the data knows it (SynthFace)
//   E.json         the model card (model_card.h) with what was embedded and how
// All written together or not at all (staged_output.h).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/eval/flip_test.h"
#include "engine/export/model_export.h"

namespace marginlab::exporting {

struct EmbedRequest {
  std::filesystem::path checkpoint;  // run directory or checkpoint file
  // What to embed: "synthface" (the run's SynthFace held-out verification identities), "synthface-train" (its
  // training identities), a folder of identity subfolders, a RecordIO .rec, or a verification .bin pack / pair list.
  std::string data;
  std::filesystem::path out;         // E.npy; the other files take its stem
  std::int64_t limit = 0;            // the first `limit` images only; 0: all
  eval::FlipTest flip_test = eval::FlipTest::none;  // none: each image as it is
  std::int64_t batch_size = 0;       // 0: the run's evaluation batch size
  std::string device = "auto";       // auto, cpu or cuda
};

struct EmbedResult {
  std::vector<std::filesystem::path> files;
  std::int64_t images = 0;
  std::int64_t skipped = 0;  // unreadable images (zero rows, NaN norms)
  // Readable images whose embedding is not finite: the network overflows in evaluation mode (barely trained, or
  // diverged). Written as they are; the caller should say so.
  std::int64_t non_finite = 0;
  std::int64_t dim = 0;
  std::string data;          // the data as its source describes itself
};

// Throws InvalidFile (checkpoint, data or output path) or InvalidParameter (a bad --data, --limit or --out); nothing
// is written then.
EmbedResult export_embeddings(const EmbedRequest& request, const ExportProgress& progress = {});

}  // namespace marginlab::exporting
