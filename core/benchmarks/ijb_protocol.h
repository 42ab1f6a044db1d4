#pragma once
// IJB-B / IJB-C from per-image embeddings on: the N/D/F switches, media-then-template pooling, 1:1 template
// verification with its read-outs and 1:N identification, as the authors' scripts compute them
// (docs/benchmarks.md §1–2). Torch-free: the embeddings arrive as plain arrays, whoever made them.
#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/benchmarks/ijb_meta.h"
#include "core/eval/roc.h"

namespace marginlab::benchmarks {

// eval_ijbc.py's TestMode switches. N1 keeps each image's raw norm (N0 divides it out after the flip is added),
// D1 multiplies by the detector score, F1 adds the mirror image's embedding.
struct IjbMode {
  bool keep_norm = true;
  bool detector_score = true;
  bool flip = true;
  std::string name() const;  // "N1D1F1"
  friend bool operator==(const IjbMode&, const IjbMode&) = default;
};
inline constexpr IjbMode kInsightfaceIjbMode{true, true, true};      // eval_ijbc.py, onnx_ijbc.py, KappaFace
inline constexpr IjbMode kAdaFaceIjbMode{true, false, true};         // AdaFace's validate_IJB_BC.py
std::optional<IjbMode> ijb_mode_from_string(std::string_view name);  // "N1D0F1", any case
std::vector<IjbMode> all_ijb_modes();                                // the eight, N1D1F1 first

// Raw embeddings of the meta files' images, row i = image i.
struct IjbFeatures {
  std::int64_t dim = 0;
  std::vector<float> plain;    // images × dim
  std::vector<float> flipped;  // images × dim, the horizontally mirrored aligned crop; empty when not made
};

// Each image's vector under `mode` (images × dim): (f [+ f_flip]) [/‖·‖] [· faceness]. Throws InvalidParameter for
// F1 without flipped embeddings, std::invalid_argument when the sizes disagree.
std::vector<float> ijb_image_vectors(const IjbFeatures& features, std::span<const float> faceness, IjbMode mode);

// Unit template vectors, ascending template id: per template its images grouped by media, a media's images averaged,
// the medias summed, the sum normalised (a zero sum stays zero, as sklearn's normalize leaves it).
struct IjbTemplates {
  std::vector<std::int64_t> ids;
  std::int64_t dim = 0;
  std::vector<double> unit;  // ids.size() × dim
  std::optional<std::size_t> index_of(std::int64_t id) const;
  const double* row(std::size_t index) const { return unit.data() + index * static_cast<std::size_t>(dim); }
};
// Throws InvalidParameter naming the template whose features overflow.
IjbTemplates pool_ijb_templates(const IjbImages& images, std::span<const float> vectors, std::int64_t dim);

// The dot product of each pair's template vectors, in file order. Throws InvalidFile naming `pairs_file` and the
// line when a template id has no image in the meta files.
std::vector<double> score_ijb_pairs(const IjbTemplates& templates, const IjbPairs& pairs,
                                    const std::filesystem::path& pairs_file);

// 1:1 verification.
struct IjbVerification {
  std::string target;  // "IJBC"
  IjbMode mode;
  std::int64_t images = 0, templates = 0, pairs = 0, genuine = 0;
  std::vector<eval::NearestTar> tar;       // insightface's read-out at eval::kIjbFarTargets (the papers' numbers)
  std::vector<eval::TarAtFar> tar_strict;  // the best TAR with FAR ≤ target, same targets
  double auc = 0;
  std::vector<double> score_first5;  // the first pairs' scores, a fingerprint of the pooling
  double score_sum = 0;
  eval::RocCurve roc;  // thinned for drawing
};
IjbVerification verify_ijb(IjbTarget target, const IjbImages& images, const IjbTemplates& templates,
                           const IjbPairs& pairs, const std::filesystem::path& pairs_file, IjbMode mode,
                           std::size_t roc_points = 400);

// 1:N identification. The FPIR targets of the open-set read-out (ijb_evals.py shows these five).
inline constexpr std::array<double, 5> kIjbFpirTargets{1e-4, 1e-3, 1e-2, 1e-1, 1.0};
inline constexpr std::array<int, 3> kIjbRanks{1, 5, 10};

// Templates chosen by a 1:N list: each template once (ascending id), its subject from its first row.
struct IjbSearchSet {
  std::string name;               // "G1", "probe"
  std::vector<std::size_t> rows;  // into IjbTemplates
  std::vector<std::int64_t> subjects;
};
// Throws InvalidFile naming the list's file and line when a template has no image in the meta files.
IjbSearchSet ijb_search_set(std::string name, const IjbSearchList& list, const IjbTemplates& templates);

// One gallery searched alone (ijb_evals.py evaluation_1N): probes whose subject it lacks are the non-mated searches.
struct IjbGallerySearch {
  std::string gallery;
  std::int64_t gallery_templates = 0, mated = 0, non_mated = 0;
  std::array<std::int64_t, 3> top_counts{};  // mated probes with the mate within rank 1 / 5 / 10
  std::vector<double> tpir;                  // at kIjbFpirTargets: mate at rank 1 and above the FPIR threshold
  std::vector<double> thresholds;
};
// The galleries merged (insightface ijb_1n.py ≡ AdaFace's helper): rank-k over all probes, and its "far/pr" figure,
// which is not TPIR at FPIR (docs/benchmarks.md §2a): kept only to compare with what those scripts print.
struct IjbMergedSearch {
  std::int64_t gallery_templates = 0, probe_templates = 0;
  std::array<double, 3> top{};     // rank 1 / 5 / 10
  std::array<double, 2> far_pr{};  // at far 0.01, 0.1
};
struct IjbIdentification {
  std::string target;
  IjbMode mode;
  std::int64_t probe_templates = 0;
  std::array<IjbGallerySearch, 2> galleries;
  std::array<double, 3> mean_top{};  // (hits in G1 + hits in G2) / probes, rank 1 / 5 / 10
  std::vector<double> mean_tpir;     // the galleries' TPIRs averaged, at kIjbFpirTargets
  std::optional<IjbMergedSearch> merged;
  std::string merged_refused;  // why there is no merged figure (a probe subject without exactly one gallery template)
};
IjbIdentification identify_ijb(IjbTarget target, const IjbTemplates& templates,
                               const std::array<IjbSearchSet, 2>& galleries, const IjbSearchSet& probes, IjbMode mode);

// The results under the key names of the reference numbers (../shared/benchmarks/reference-a.json): `1to1.<mode>`
// with `tar`, `tar_printed`, `auc`, …; `1N_separate`, `1N_merged.<mode>`. NaN as null.
nlohmann::json to_json(const IjbVerification& verification);
nlohmann::json to_json(const IjbIdentification& identification);
// "1e-06", "0.0001", "1": the targets as Python prints them, which the reference's keys are.
std::string rate_key(double rate);

}  // namespace marginlab::benchmarks
