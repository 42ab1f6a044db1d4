// marginlab-cli synth preview, bench synth: a look at SynthFace and how fast it and the loader make images.
#include <fmt/format.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <chrono>
#include <ctime>
#include <memory>
#include <random>
#include <string>

#include "app/cli/command.h"
#include "app/cli/cpu_time.h"
#include "core/errors.h"
#include "engine/data/augment.h"
#include "engine/data/loader.h"
#include "engine/data/synthface.h"

namespace marginlab::cli {
namespace {

struct PreviewOptions {
  std::string out;
  std::int64_t identities = 8;
  int levels = 6;
  std::uint64_t seed = 1;
  std::int64_t image_size = 112;
  bool augment = false;
};

constexpr int kHeader = 18;  // pixels above the grid for the column labels
constexpr int kMargin = 46;  // pixels left of the grid for the identity labels

void label(cv::Mat& canvas, const std::string& text, cv::Point at) {
  cv::putText(canvas, text, at, cv::FONT_HERSHEY_SIMPLEX, 0.38, cv::Scalar(20, 20, 20), 1, cv::LINE_AA);
}

void paste(cv::Mat& canvas, const data::ImageSample& image, int row, int column, int size) {
  const cv::Mat rgb(image.height, image.width, CV_8UC3, const_cast<std::uint8_t*>(image.pixels.data()));
  cv::Mat bgr;
  cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);  // imwrite expects BGR
  bgr.copyTo(canvas(cv::Rect(kMargin + column * size, kHeader + row * size, size, size)));
}

// Rows: identities in near-twin pairs (two members of one family, then two of another), each row one image of
// that identity; columns: the same image at falling quality, then (with --augment) AdaFace's augmentations of it.
int run_preview(const PreviewOptions& options) {
  if (options.identities < 1)
    throw InvalidParameter(fmt::format("synth preview: --identities = {}", options.identities));
  if (options.levels < 2)
    throw InvalidParameter(fmt::format("synth preview: --levels = {} (at least 2)", options.levels));
  data::SynthFaceConfig config;
  config.seed = options.seed;
  config.image_size = options.image_size;
  const data::SynthFace synth(config);
  const int size = static_cast<int>(options.image_size);
  const std::vector<std::pair<std::string, data::AugmentConfig>> augmentations{
      {"flip", {1, 0, 0, 0}}, {"crop", {0, 1, 0, 0}}, {"low-res", {0, 0, 1, 0}}, {"photo", {0, 0, 0, 1}}};
  const int columns = options.levels + (options.augment ? static_cast<int>(augmentations.size()) : 0);
  const int rows = static_cast<int>(options.identities);
  cv::Mat canvas(kHeader + rows * size, kMargin + columns * size, CV_8UC3, cv::Scalar(245, 245, 245));

  const std::int64_t families = config.identities / config.family_size;
  for (int row = 0; row < rows; ++row) {
    // Every third family, so that neighbouring pairs are unrelated; two members of each.
    const std::int64_t family = (row / 2 * 3) % families;
    const std::int64_t identity = family * config.family_size + row % 2;
    for (int level = 0; level < options.levels; ++level) {
      const double quality = 1.0 - static_cast<double>(level) / (options.levels - 1);
      paste(canvas, synth.render(identity, row, quality), row, level, size);
    }
    for (std::size_t a = 0; options.augment && a < augmentations.size(); ++a) {
      auto image = synth.render(identity, row, 1.0);
      std::mt19937_64 rng(options.seed * 1000 + static_cast<std::uint64_t>(row));
      data::augment(image, augmentations[a].second, rng);
      paste(canvas, image, row, options.levels + static_cast<int>(a), size);
    }
    label(canvas, fmt::format("id {}", identity), {4, kHeader + row * size + size / 2});
    if (row % 2 == 1) label(canvas, fmt::format("fam {}", family), {4, kHeader + row * size + 12});
  }
  for (int level = 0; level < options.levels; ++level) {
    const double quality = 1.0 - static_cast<double>(level) / (options.levels - 1);
    label(canvas, fmt::format("q={:.2f}", quality), {kMargin + level * size + 4, 13});
  }
  for (std::size_t a = 0; options.augment && a < augmentations.size(); ++a) {
    label(canvas, augmentations[a].first, {kMargin + (options.levels + static_cast<int>(a)) * size + 4, 13});
  }
  if (!cv::imwrite(options.out, canvas)) throw InvalidFile(options.out + ": cannot write the preview image");
  fmt::print("synth preview: {} identities × {} quality levels{} → {}\n", rows, options.levels,
             options.augment ? " + 4 augmentations" : "", options.out);
  return 0;
}

int run_bench_synth(std::int64_t images, int threads) {
  if (images < 1 || threads < 1) {
    throw InvalidParameter(
        fmt::format("bench synth: --images = {}, --threads = {} (both at least 1)", images, threads));
  }
  auto synth = std::make_shared<data::SynthFace>(data::SynthFaceConfig{});
  fmt::print("bench synth: {}\n", synth->describe());

  using Clock = std::chrono::steady_clock;
  const auto render_start = Clock::now();
  const double cpu_start = thread_cpu_seconds();
  for (std::int64_t i = 0; i < images; ++i) synth->load(i % synth->size());
  const double render_wall = std::chrono::duration<double>(Clock::now() - render_start).count();
  const double render_cpu = thread_cpu_seconds() - cpu_start;
  fmt::print("render + degrade, 1 thread:   {:8.0f} images/s (wall), {:8.0f} images per CPU-second\n",
             images / render_wall, images / render_cpu);

  data::LoaderConfig config;
  config.threads = threads;
  config.augment = data::AugmentConfig::adaface();
  data::Loader loader(synth, config);
  const std::int64_t batches = std::max<std::int64_t>(1, images / config.batch_size);
  std::int64_t made = 0, epoch = 0;
  const auto load_start = Clock::now();
  while (made < batches) {
    loader.start(epoch++);
    while (made < batches && loader.next()) ++made;
  }
  const double load_wall = std::chrono::duration<double>(Clock::now() - load_start).count();
  const double rate = static_cast<double>(made * config.batch_size) / load_wall;
  fmt::print("loader, {} threads, batch {}, AdaFace augmentation: {:8.0f} images/s = {:.0f} per thread, "
             "{:.1f} batches/s\n", threads, config.batch_size, rate, rate / threads, made / load_wall);
  return 0;
}

}  // namespace

void add_synth_commands(CLI::App& app, CLI::App& bench_group, Commands& commands) {
  auto* synth = app.add_subcommand("synth", "the SynthFace benchmark data");
  synth->require_subcommand(1);
  auto* preview = synth->add_subcommand("preview", "a grid of identities × quality levels, as a PNG");
  auto options = std::make_shared<PreviewOptions>();
  preview->add_option("--out", options->out, "PNG file to write")->required();
  preview->add_option("--identities", options->identities, "rows: identities, in near-twin pairs");
  preview->add_option("--levels", options->levels, "columns: quality levels from 1 down to 0");
  preview->add_option("--seed", options->seed, "SynthFace seed");
  preview->add_option("--image-size", options->image_size, "image side in pixels");
  preview->add_flag("--augment", options->augment, "add a column per augmentation (flip, crop, low-res, photometric)");
  commands.push_back({preview, [options] { return run_preview(*options); }});

  auto* bench = bench_group.add_subcommand("synth", "SynthFace rendering and loader throughput at 112×112");
  auto images = std::make_shared<std::int64_t>(3000);
  auto threads = std::make_shared<int>(2);
  bench->add_option("--images", *images, "images to render per measurement");
  bench->add_option("--threads", *threads, "loader threads");
  commands.push_back({bench, [images, threads] { return run_bench_synth(*images, *threads); }});
}

}  // namespace marginlab::cli
