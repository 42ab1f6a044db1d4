#include "core/benchmarks/tinyface.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>

#include "core/benchmarks/similarity.h"
#include "core/errors.h"

namespace marginlab::benchmarks {
namespace {

constexpr std::array<const char*, 3> kFolders{"Probe", "Gallery_Match", "Gallery_Distractor"};

bool is_image(const std::filesystem::path& path) {
  const auto extension = path.extension().string();
  return extension == ".jpg" || extension == ".jpeg" || extension == ".png";
}

// Image files under `folder`, as paths relative to `base`, sorted (directory order is the file system's).
std::vector<std::string> image_files(const std::filesystem::path& folder, const std::filesystem::path& base) {
  if (!std::filesystem::is_directory(folder)) throw InvalidFile(folder.string() + ": no such folder");
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(folder)) {
    if (entry.is_regular_file() && is_image(entry.path())) {
      files.push_back(entry.path().lexically_relative(base).generic_string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::int64_t identity_of(const std::filesystem::path& folder, const std::string& relative) {
  const auto name = std::filesystem::path(relative).filename().string();
  const auto underscore = name.find('_');
  std::int64_t label = 0;
  const auto [end, error] = std::from_chars(name.data(), name.data() + std::min(underscore, name.size()), label);
  if (underscore == std::string::npos || error != std::errc() || end != name.data() + underscore) {
    throw InvalidFile(
        fmt::format("{}: '{}' does not start with an identity number ('<id>_<n>.jpg')", folder.string(), relative));
  }
  return label;
}

std::string key_of(const std::string& relative) { return std::filesystem::path(relative).stem().string(); }

}  // namespace

TinyFaceLayout find_tinyface_layout(const std::filesystem::path& root, const std::string& aligned_folder) {
  TinyFaceLayout layout;
  layout.root = root;
  const auto testing = root / "tinyface" / "Testing_Set";
  if (!std::filesystem::is_directory(testing)) {
    throw InvalidFile(fmt::format("{}: no TinyFace here (looked for {})", root.string(), testing.string()));
  }
  layout.aligned = !aligned_folder.empty();
  layout.images = layout.aligned ? root / aligned_folder : testing;
  std::array<std::vector<std::string>, 3> listed;
  for (std::size_t f = 0; f < 3; ++f) listed[f] = image_files(testing / kFolders[f], testing);
  if (layout.aligned) {
    // Each test image's aligned file, by name without extension over the three aligned test folders only: AdaFace
    // keys its whole aligned tree so, and a training image of the same name would silently take a test image's place.
    std::map<std::string, std::string> aligned;
    for (const auto* folder : kFolders) {
      for (auto& file : image_files(layout.images / folder, layout.images)) {
        const auto key = key_of(file);
        if (const auto [at, inserted] = aligned.emplace(key, file); !inserted) {
          throw InvalidFile(fmt::format("{}: '{}' and '{}' have the same name; the images are matched by name",
                                        layout.images.string(), at->second, file));
        }
      }
    }
    for (auto& files : listed) {
      for (auto& file : files) {
        const auto found = aligned.find(key_of(file));
        if (found == aligned.end()) {
          throw InvalidFile(fmt::format("{}: no aligned image of {} (looked for '{}.*' in {})", layout.images.string(),
                                        (testing / file).string(), key_of(file), layout.images.string()));
        }
        file = found->second;
      }
    }
  }
  for (const auto& file : listed[0]) layout.probe_labels.push_back(identity_of(testing / kFolders[0], file));
  for (const auto& file : listed[1]) layout.match_labels.push_back(identity_of(testing / kFolders[1], file));
  layout.probes = std::move(listed[0]);
  layout.matches = std::move(listed[1]);
  layout.distractors = std::move(listed[2]);
  if (layout.probes.empty() || layout.matches.empty()) {
    throw InvalidFile(fmt::format("{}: {} probes and {} gallery matches: nothing to identify", testing.string(),
                                  layout.probes.size(), layout.matches.size()));
  }
  return layout;
}

std::vector<float> fuse_flip_unit(const std::vector<float>& plain, const std::vector<float>& flipped,
                                  std::int64_t dim) {
  if (!flipped.empty() && flipped.size() != plain.size()) {
    throw std::invalid_argument(fmt::format("flip fusion: {} values and {} mirrored", plain.size(), flipped.size()));
  }
  std::vector<float> fused(plain);
  const auto width = static_cast<std::size_t>(dim);
  for (std::size_t row = 0; row * width < fused.size(); ++row) {
    float* x = fused.data() + row * width;
    double squares = 0;
    for (std::size_t k = 0; k < width; ++k) {
      if (!flipped.empty()) x[k] += flipped[row * width + k];
      squares += static_cast<double>(x[k]) * x[k];
    }
    if (!std::isfinite(squares)) {
      throw InvalidParameter(fmt::format("features of image {} are not finite after adding the flip", row + 1));
    }
    if (squares > 0) {
      const double norm = std::sqrt(squares);
      for (std::size_t k = 0; k < width; ++k) x[k] = static_cast<float>(x[k] / norm);
    }
  }
  return fused;
}

TinyFaceResult identify_tinyface(const TinyFaceLayout& layout, const std::vector<float>& probe_features,
                                 const std::vector<float>& gallery_features, std::int64_t dim) {
  const auto width = static_cast<std::size_t>(dim);
  const std::size_t gallery_size = layout.matches.size() + layout.distractors.size();
  if (probe_features.size() != layout.probes.size() * width || gallery_features.size() != gallery_size * width) {
    throw std::invalid_argument(
        fmt::format("TinyFace: features for {} probes and {} gallery images, expected {} and {}",
                    probe_features.size() / std::max<std::size_t>(width, 1),
                    gallery_features.size() / std::max<std::size_t>(width, 1), layout.probes.size(), gallery_size));
  }
  TinyFaceResult result;
  result.aligned = layout.aligned;
  result.probes = static_cast<std::int64_t>(layout.probes.size());
  result.gallery_match = static_cast<std::int64_t>(layout.matches.size());
  result.distractors = static_cast<std::int64_t>(layout.distractors.size());
  std::array<std::int64_t, kTinyFaceRanks.size()> hits{};
  std::vector<double> scores(gallery_size);
  for (std::size_t p = 0; p < layout.probes.size(); ++p) {
    const float* probe = probe_features.data() + p * width;
    double best_mate = -std::numeric_limits<double>::infinity();
    bool mated = false;
    for (std::size_t g = 0; g < gallery_size; ++g) {
      scores[g] = inner_product(probe, gallery_features.data() + g * width, dim);
      // Distractors are never an identity, whatever their names start with.
      if (g < layout.matches.size() && layout.match_labels[g] == layout.probe_labels[p]) {
        mated = true;
        best_mate = std::max(best_mate, scores[g]);
      }
    }
    if (!mated) {
      ++result.non_mate_probes;
      continue;
    }
    ++result.mate_probes;
    // A hit at rank k when some mate is among the k best: the best mate has fewer than k scores above it.
    const auto above = std::count_if(scores.begin(), scores.end(), [&](double s) { return s > best_mate; });
    for (std::size_t r = 0; r < kTinyFaceRanks.size(); ++r) hits[r] += above < kTinyFaceRanks[r];
  }
  for (std::size_t r = 0; r < kTinyFaceRanks.size(); ++r) {
    result.rank[r] = result.mate_probes == 0 ? std::numeric_limits<double>::quiet_NaN()
                                             : static_cast<double>(hits[r]) / static_cast<double>(result.mate_probes);
  }
  return result;
}

nlohmann::json to_json(const TinyFaceResult& result) {
  nlohmann::json rank = nlohmann::json::object();
  for (std::size_t r = 0; r < kTinyFaceRanks.size(); ++r) {
    rank[std::to_string(kTinyFaceRanks[r])] =
        std::isfinite(result.rank[r]) ? nlohmann::json(result.rank[r]) : nlohmann::json();
  }
  return {{"rank", rank},
          {"aligned", result.aligned},
          {"comparable", result.aligned},
          {"counts",
           {{"probe", result.probes},
            {"gallery_match", result.gallery_match},
            {"distractor", result.distractors},
            {"mate_probes", result.mate_probes},
            {"non_mate_probes", result.non_mate_probes}}}};
}

}  // namespace marginlab::benchmarks
