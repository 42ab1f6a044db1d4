#pragma once
// The IJB-B / IJB-C release as insightface repackaged it ("IJB_release": <root>/IJBC/{loose_crop, meta}), read into
// plain arrays. Every line is checked against its neighbours' files: the same images in tid_mid and 5pts, pairs and
// 1:N lists naming only known templates, labels 0 or 1. docs/benchmarks.md describes each file.
#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace marginlab::benchmarks {

enum class IjbTarget { ijbb, ijbc };

std::string_view ijb_name(IjbTarget target);                             // "IJBB", "IJBC"
std::optional<IjbTarget> ijb_target_from_string(std::string_view name);  // IJBB / IJBC, any case, "IJB-C" too

// Where each file of a target lives. `root` may be the release root (holding IJBC/) or the target's own folder.
struct IjbLayout {
  IjbTarget target = IjbTarget::ijbc;
  std::filesystem::path folder;  // <root>/IJBC
  std::filesystem::path loose_crop() const;
  std::filesystem::path face_tid_mid() const;     // meta/ijbc_face_tid_mid.txt
  std::filesystem::path name_5pts_score() const;  // meta/ijbc_name_5pts_score.txt
  std::filesystem::path template_pair_label() const;
  // The two 1:N galleries (IJB-C G1/G2, IJB-B S1/S2) and the probes.
  std::array<std::filesystem::path, 2> galleries() const;
  std::array<std::string, 2> gallery_names() const;  // "G1", "G2" / "S1", "S2"
  std::filesystem::path probe_mixed() const;
};

// Throws InvalidFile when neither `root`/<TARGET>/meta nor `root`/meta holds the target's tid_mid file.
IjbLayout find_ijb_layout(const std::filesystem::path& root, IjbTarget target);

// One entry per image line of the meta files, in file order (line i: image i).
struct IjbImages {
  std::vector<std::string> names;                // "1.jpg", under loose_crop/
  std::vector<std::int64_t> templates;           // template id
  std::vector<std::int64_t> medias;              // media id
  std::vector<std::array<float, 10>> landmarks;  // x1 y1 … x5 y5 in the loose crop's pixels, image order
  std::vector<float> faceness;                   // the detector's score
  std::size_t size() const { return names.size(); }
};

// tid_mid + 5pts. Throws InvalidFile naming file and line: a missing column, an id that is not an integer, a
// landmark or score that is not a finite number, the two files differing in length or in a line's image name.
IjbImages read_ijb_images(const IjbLayout& layout);

struct IjbPairs {
  std::vector<std::int64_t> first, second;  // template ids
  std::vector<std::uint8_t> genuine;        // 1: same subject
  std::size_t size() const { return genuine.size(); }
};
// The pair file. Throws InvalidFile naming file and line for a malformed line or a label outside {0, 1}.
IjbPairs read_ijb_pairs(const std::filesystem::path& file);

// One row per image of a 1:N CSV (one header row, then TEMPLATE_ID, SUBJECT_ID, …).
struct IjbSearchList {
  std::filesystem::path file;
  std::vector<std::int64_t> templates;
  std::vector<std::int64_t> subjects;
};
// Throws InvalidFile naming file and line; a first row with a numeric template id is taken for a missing header
// (the release always has one, and skipping it would silently drop an image).
IjbSearchList read_ijb_search_list(const std::filesystem::path& file);

}  // namespace marginlab::benchmarks
