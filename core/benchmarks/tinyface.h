#pragma once
// TinyFace's closed-set identification as AdaFace's validate_tinyface.py computes it (docs/benchmarks.md §3): the
// probe, gallery-match and distractor lists walked from the original Testing_Set folders, each image's features from
// the aligned copy (matched by file name without extension), identities from the file names, distractors never an
// identity, the gallery the matches plus every distractor, rank-k over probes with a mate in the gallery.
#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace marginlab::benchmarks {

inline constexpr const char* kTinyFaceAlignedFolder = "aligned_pad_0.1_pad_high";
inline constexpr std::array<int, 4> kTinyFaceRanks{1, 5, 10, 20};

struct TinyFaceLayout {
  std::filesystem::path root;
  std::filesystem::path images;  // the folder the image paths below are relative to: the aligned copy, normally
  bool aligned = true;           // false: the raw Testing_Set crops (not comparable with published numbers)
  std::vector<std::string> probes, matches, distractors;  // "Probe/1_2.jpg", relative to `images`
  std::vector<std::int64_t> probe_labels, match_labels;
};

// `root` holds tinyface/Testing_Set/{Probe,Gallery_Match,Gallery_Distractor} and, unless `aligned_folder` is empty,
// that aligned copy with the same three folders. Only .jpg, .jpeg and .png files count (as AdaFace's walk). Throws
// InvalidFile: a missing folder, a probe or match name that does not start with an identity number ("12_3.jpg"), a
// file name (without extension) found twice among the aligned test folders, a listed image without an aligned file.
TinyFaceLayout find_tinyface_layout(const std::filesystem::path& root,
                                    const std::string& aligned_folder = kTinyFaceAlignedFolder);

struct TinyFaceResult {
  bool aligned = true;
  std::int64_t probes = 0, gallery_match = 0, distractors = 0, mate_probes = 0, non_mate_probes = 0;
  std::array<double, kTinyFaceRanks.size()> rank{};  // share of mate probes with a mate within rank k
};

// Unit feature rows (probes, then gallery = matches + distractors, in the layout's order), `dim` wide.
TinyFaceResult identify_tinyface(const TinyFaceLayout& layout, const std::vector<float>& probe_features,
                                 const std::vector<float>& gallery_features, std::int64_t dim);

// unit(f + f_flip) per row (AdaFace's pre_norm_vector_add), or unit(f) when `flipped` is empty. A zero row stays zero;
// a row that overflows is refused (InvalidParameter).
std::vector<float> fuse_flip_unit(const std::vector<float>& plain, const std::vector<float>& flipped, std::int64_t dim);

// Keys as in ../shared/benchmarks/reference-a.json's `tinyface`: rank.{1,5,10,20}, counts.
nlohmann::json to_json(const TinyFaceResult& result);

}  // namespace marginlab::benchmarks
