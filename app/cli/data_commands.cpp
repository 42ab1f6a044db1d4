// marginlab-cli data inspect: what a dataset or verification set is, as MarginLab reads it, and a look at it.
#include <fmt/format.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "app/cli/command.h"
#include "core/errors.h"
#include "engine/data/image_folder.h"
#include "engine/data/recordio_source.h"
#include "engine/data/synthface.h"
#include "engine/data/verification_set.h"

namespace marginlab::cli {
namespace {

namespace fs = std::filesystem;

struct InspectOptions {
  std::string path;
  std::string grid;
  int tile = 112;
};

constexpr int kLabelWidth = 120;  // pixels left of the grid for the row labels

// One row of the grid: a label and the images to show (an index into the source each).
struct GridRow {
  std::string label;
  std::vector<std::int64_t> images;
};

void draw_tile(cv::Mat& canvas, const data::SampleSource& source, std::int64_t index, cv::Rect where) {
  try {
    const auto image = source.load(index);
    const cv::Mat pixels(image.height, image.width, CV_8UC3, const_cast<std::uint8_t*>(image.pixels.data()));
    cv::Mat bgr, resized;
    if (source.color_order() == data::ColorOrder::rgb) {
      cv::cvtColor(pixels, bgr, cv::COLOR_RGB2BGR);  // imwrite expects BGR
    } else {
      bgr = pixels;
    }
    cv::resize(bgr, resized, where.size(), 0, 0, cv::INTER_AREA);
    resized.copyTo(canvas(where));
  } catch (const UnreadableSample&) {
    // Shown as what it is, never as a plausible-looking blank.
    cv::rectangle(canvas, where, cv::Scalar(40, 40, 200), 2);
    cv::line(canvas, where.tl(), where.br(), cv::Scalar(40, 40, 200), 2);
    cv::putText(canvas, "unreadable", where.tl() + cv::Point(6, where.height / 2), cv::FONT_HERSHEY_SIMPLEX, 0.45,
                cv::Scalar(40, 40, 200), 1, cv::LINE_AA);
  }
}

void write_grid(const data::SampleSource& source, const std::vector<GridRow>& rows, int tile,
                const std::string& out) {
  std::size_t columns = 1;
  for (const auto& row : rows) columns = std::max(columns, row.images.size());
  cv::Mat canvas(static_cast<int>(rows.size()) * tile, kLabelWidth + static_cast<int>(columns) * tile, CV_8UC3,
                 cv::Scalar(245, 245, 245));
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const int y = static_cast<int>(r) * tile;
    cv::putText(canvas, rows[r].label, {6, y + tile / 2 + 5}, cv::FONT_HERSHEY_SIMPLEX, 0.42, cv::Scalar(20, 20, 20),
                1, cv::LINE_AA);
    for (std::size_t c = 0; c < rows[r].images.size(); ++c) {
      draw_tile(canvas, source, rows[r].images[c], cv::Rect(kLabelWidth + static_cast<int>(c) * tile, y, tile, tile));
    }
  }
  if (!cv::imwrite(out, canvas)) throw InvalidFile(out + ": cannot write the grid image");
  fmt::print("grid → {}\n", out);
}

// Up to eight classes spread over the class ids, up to eight images of each.
std::vector<GridRow> class_rows(const data::SampleSource& source) {
  constexpr std::int64_t kRows = 8, kColumns = 8;
  const auto classes = source.num_classes();
  std::vector<std::int64_t> chosen;
  for (std::int64_t r = 0; r < std::min(kRows, classes); ++r) chosen.push_back(r * classes / std::min(kRows, classes));
  std::vector<GridRow> rows;
  for (auto c : chosen) rows.push_back({fmt::format("class {}", c), {}});
  for (std::int64_t i = 0; i < source.size(); ++i) {
    const auto it = std::find(chosen.begin(), chosen.end(), source.label(i));
    if (it == chosen.end()) continue;
    auto& row = rows[static_cast<std::size_t>(it - chosen.begin())];
    if (static_cast<std::int64_t>(row.images.size()) < kColumns) row.images.push_back(i);
  }
  return rows;
}

// The first few genuine and impostor pairs, one per row.
std::vector<GridRow> pair_rows(const data::VerificationSet& set) {
  constexpr int kEach = 4;
  std::vector<GridRow> rows;
  for (const bool same : {true, false}) {
    int taken = 0;
    for (std::size_t i = 0; i < set.pairs.size() && taken < kEach; ++i) {
      if (set.pairs[i].same != same) continue;
      rows.push_back({fmt::format("pair {} {}", i, same ? "same" : "diff"), {set.pairs[i].first, set.pairs[i].second}});
      ++taken;
    }
  }
  return rows;
}

void print_training_source(const data::SampleSource& source) {
  auto counts = source.class_counts();
  fmt::print("  images:      {}\n  classes:     {}\n", source.size(), source.num_classes());
  if (counts.empty()) return;
  std::sort(counts.begin(), counts.end());
  const auto median = counts.size() % 2 ? static_cast<double>(counts[counts.size() / 2])
                                        : 0.5 * static_cast<double>(counts[counts.size() / 2 - 1] + counts[counts.size() / 2]);
  fmt::print("  class sizes: min {}, median {:g}, max {} (max/min {:.1f})\n", counts.front(), median, counts.back(),
             static_cast<double>(counts.back()) / static_cast<double>(std::max<std::int64_t>(counts.front(), 1)));
}

bool is_recordio(const fs::path& path) {
  return path.extension() == ".rec" || (fs::is_directory(path) && fs::exists(path / "train.rec"));
}

int run_inspect(const InspectOptions& options) {
  const fs::path path(options.path);
  if (options.path == "synthface") {
    const data::SynthFace synth(data::SynthFaceConfig{});
    fmt::print("{}\n  format:      SynthFace (built in, default settings)\n", options.path);
    print_training_source(synth);
    const auto set = data::synthface_verification_set(synth);
    fmt::print("  verification: {} images, {} pairs\n", set.images->size(), set.pairs.size());
    if (!options.grid.empty()) write_grid(synth, class_rows(synth), options.tile, options.grid);
    return 0;
  }
  if (!fs::exists(path)) throw InvalidFile(options.path + ": no such file or folder");
  if (is_recordio(path)) {
    const data::RecordIOSource source(options.path);
    fmt::print("{}\n  format:      {}\n", options.path, source.describe());
    print_training_source(source);
    for (const auto& note : source.notes()) fmt::print("  note:        {}\n", note);
    if (!options.grid.empty()) write_grid(source, class_rows(source), options.tile, options.grid);
  } else if (fs::is_directory(path)) {
    const data::ImageFolderSource source(options.path);
    fmt::print("{}\n  format:      {}\n", options.path, source.describe());
    print_training_source(source);
    if (source.skipped_files() > 0) {
      fmt::print("  skipped:     {} files that are not images (first: {})\n", source.skipped_files(),
                 source.skipped_examples().front());
    }
    for (const auto& folder : source.empty_folders()) fmt::print("  empty:       {} (no class id)\n", folder);
    if (!options.grid.empty()) write_grid(source, class_rows(source), options.tile, options.grid);
  } else {
    const auto set = data::open_verification_set(options.path, data::ColorOrder::rgb);
    const auto genuine = std::count_if(set.pairs.begin(), set.pairs.end(), [](const auto& p) { return p.same; });
    fmt::print("{}\n  format:      {}\n  images:      {}\n  pairs:       {} ({} genuine, {} impostor)\n", options.path,
               set.format, set.images->size(), set.pairs.size(), genuine,
               static_cast<std::int64_t>(set.pairs.size()) - genuine);
    if (!options.grid.empty()) write_grid(*set.images, pair_rows(set), options.tile, options.grid);
  }
  return 0;
}

}  // namespace

void add_data_commands(CLI::App& app, CLI::App& /*bench_group*/, Commands& commands) {
  auto* data_group = app.add_subcommand("data", "datasets and verification sets");
  data_group->require_subcommand(1);
  auto* inspect = data_group->add_subcommand(
      "inspect", "what a dataset is: RecordIO (.rec or its folder), an ImageFolder, a .bin pack, a pair list, synthface");
  auto options = std::make_shared<InspectOptions>();
  inspect->add_option("path", options->path, "the dataset, verification set, or \"synthface\"")->required();
  inspect->add_option("--grid", options->grid, "also write a PNG of samples (classes as rows, or pairs)");
  inspect->add_option("--tile", options->tile, "tile side in pixels")->check(CLI::Range(16, 512));
  commands.push_back({inspect, [options] { return run_inspect(*options); }});
}

}  // namespace marginlab::cli
