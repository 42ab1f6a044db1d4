#include "core/benchmarks/ijb_meta.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "core/benchmarks/text_table.h"
#include "core/errors.h"

namespace marginlab::benchmarks {
namespace {

std::string lower(std::string_view text) {
  std::string result(text);
  std::transform(result.begin(), result.end(), result.begin(), [](unsigned char c) { return std::tolower(c); });
  return result;
}

}  // namespace

std::string_view ijb_name(IjbTarget target) { return target == IjbTarget::ijbb ? "IJBB" : "IJBC"; }

std::optional<IjbTarget> ijb_target_from_string(std::string_view name) {
  std::string key = lower(name);
  key.erase(std::remove(key.begin(), key.end(), '-'), key.end());
  if (key == "ijbb") return IjbTarget::ijbb;
  if (key == "ijbc") return IjbTarget::ijbc;
  return std::nullopt;
}

std::filesystem::path IjbLayout::loose_crop() const { return folder / "loose_crop"; }

std::filesystem::path IjbLayout::face_tid_mid() const {
  return folder / "meta" / (lower(ijb_name(target)) + "_face_tid_mid.txt");
}

std::filesystem::path IjbLayout::name_5pts_score() const {
  return folder / "meta" / (lower(ijb_name(target)) + "_name_5pts_score.txt");
}

std::filesystem::path IjbLayout::template_pair_label() const {
  return folder / "meta" / (lower(ijb_name(target)) + "_template_pair_label.txt");
}

std::array<std::string, 2> IjbLayout::gallery_names() const {
  return target == IjbTarget::ijbc ? std::array<std::string, 2>{"G1", "G2"} : std::array<std::string, 2>{"S1", "S2"};
}

std::array<std::filesystem::path, 2> IjbLayout::galleries() const {
  const auto names = gallery_names();
  const auto prefix = lower(ijb_name(target)) + "_1N_gallery_";
  return {folder / "meta" / (prefix + names[0] + ".csv"), folder / "meta" / (prefix + names[1] + ".csv")};
}

std::filesystem::path IjbLayout::probe_mixed() const {
  return folder / "meta" / (lower(ijb_name(target)) + "_1N_probe_mixed.csv");
}

IjbLayout find_ijb_layout(const std::filesystem::path& root, IjbTarget target) {
  for (const auto& folder : {root / ijb_name(target), root}) {
    IjbLayout layout{target, folder};
    if (std::filesystem::is_regular_file(layout.face_tid_mid())) return layout;
  }
  throw InvalidFile(fmt::format("{}: no {} release here (looked for {} and {})", root.string(), ijb_name(target),
                                IjbLayout{target, root / ijb_name(target)}.face_tid_mid().string(),
                                IjbLayout{target, root}.face_tid_mid().string()));
}

IjbImages read_ijb_images(const IjbLayout& layout) {
  IjbImages images;
  TextTable tid_mid(layout.face_tid_mid(), FieldSeparator::blanks);
  while (tid_mid.next()) {
    tid_mid.require_fields(3, "image name, template id, media id");
    images.names.emplace_back(tid_mid.field(0));
    images.templates.push_back(tid_mid.integer(1, "template id"));
    images.medias.push_back(tid_mid.integer(2, "media id"));
  }
  TextTable points(layout.name_5pts_score(), FieldSeparator::blanks);
  images.landmarks.reserve(images.size());
  images.faceness.reserve(images.size());
  while (points.next()) {
    const std::size_t index = images.landmarks.size();
    if (index >= images.size()) {
      points.fail(fmt::format("more lines than the {} images of {}", images.size(), tid_mid.file().string()));
    }
    points.require_fields(12, "image name, x1 y1 … x5 y5, detector score");
    if (points.size() > 12) points.fail(fmt::format("{} fields where 12 are expected", points.size()));
    if (points.field(0) != images.names[index]) {
      points.fail(fmt::format("image '{}' where {} has '{}' on line {}", points.field(0), tid_mid.file().string(),
                              images.names[index], index + 1));
    }
    std::array<float, 10> landmarks{};
    for (std::size_t k = 0; k < 10; ++k) landmarks[k] = points.single(1 + k, "landmark coordinate");
    images.landmarks.push_back(landmarks);
    images.faceness.push_back(points.single(11, "detector score"));
  }
  if (images.landmarks.size() != images.size()) {
    throw InvalidFile(fmt::format("{}: {} lines for the {} images of {}", points.file().string(),
                                  images.landmarks.size(), images.size(), tid_mid.file().string()));
  }
  if (images.size() == 0) throw InvalidFile(tid_mid.file().string() + ": no images");
  return images;
}

IjbPairs read_ijb_pairs(const std::filesystem::path& file) {
  IjbPairs pairs;
  TextTable table(file, FieldSeparator::blanks);
  while (table.next()) {
    table.require_fields(3, "template id, template id, label");
    pairs.first.push_back(table.integer(0, "template id"));
    pairs.second.push_back(table.integer(1, "template id"));
    const auto label = table.integer(2, "label");
    if (label != 0 && label != 1) table.fail(fmt::format("label {} is neither 0 (impostor) nor 1 (genuine)", label));
    pairs.genuine.push_back(static_cast<std::uint8_t>(label));
  }
  if (pairs.size() == 0) throw InvalidFile(file.string() + ": no pairs");
  return pairs;
}

IjbSearchList read_ijb_search_list(const std::filesystem::path& file) {
  IjbSearchList list{file, {}, {}};
  TextTable table(file, FieldSeparator::comma);
  if (!table.next()) throw InvalidFile(file.string() + ": empty (expected a header row, then one row per image)");
  table.require_fields(2, "TEMPLATE_ID, SUBJECT_ID, …");
  std::int64_t ignored = 0;
  const auto first = table.field(0);
  if (std::from_chars(first.data(), first.data() + first.size(), ignored).ec == std::errc()) {
    table.fail("no header row: the 1:N lists start with one (TEMPLATE_ID,SUBJECT_ID,…)");
  }
  while (table.next()) {
    table.require_fields(2, "TEMPLATE_ID, SUBJECT_ID, …");
    list.templates.push_back(table.integer(0, "TEMPLATE_ID"));
    list.subjects.push_back(table.integer(1, "SUBJECT_ID"));
  }
  if (list.templates.empty()) throw InvalidFile(file.string() + ": a header and no rows");
  return list;
}

}  // namespace marginlab::benchmarks
