// marginlab-cli ijb, tinyface and align: the papers' benchmarks (IJB-B/C 1:1 and 1:N, TinyFace) computed as the
// authors' scripts compute them, from a run's model or from embeddings made elsewhere, and five-point alignment of
// a user's own faces (docs/benchmarks.md).
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/cli/command.h"
#include "core/atomic_file.h"
#include "core/benchmarks/benchmark_record.h"
#include "core/benchmarks/embedding_table.h"
#include "core/benchmarks/five_point.h"
#include "core/benchmarks/ijb_meta.h"
#include "core/benchmarks/ijb_protocol.h"
#include "core/benchmarks/tinyface.h"
#include "core/errors.h"
#ifdef MARGINLAB_WITH_OPENCV
#include "engine/data/face_alignment.h"
#include "engine/data/image_decode.h"
#include "engine/eval/benchmark_features.h"
#include "engine/train/session.h"
#include "engine/train/trained_model.h"
#endif

namespace marginlab::cli {
namespace {

namespace fs = std::filesystem;
using namespace marginlab::benchmarks;

struct ModelOptions {
  std::string checkpoint;
  std::int64_t batch_size = 0;
  std::string device = "auto";
  bool no_cache = false;
};

// Where the embeddings come from: a run's model, or files of `name v1 … vD` lines.
struct FeatureSource {
  std::string plain_file, flipped_file;
  ModelOptions model;
};

struct LoadedViews {
  std::int64_t dim = 0;
  std::vector<float> plain, mirrored;  // mirrored empty when not given
  std::int64_t step = -1;              // the model's step, -1 for files
  fs::path run_directory;              // the model's run, empty for files
  std::string source;                  // what the features are, for the report
};

// Rows of `table` for `names`, in that order.
std::vector<float> rows_for(const EmbeddingTable& table, const std::vector<std::string>& names) {
  std::vector<float> rows;
  rows.reserve(names.size() * static_cast<std::size_t>(table.dim));
  for (const auto& name : names) {
    const float* row = table.data(table.row(name));
    rows.insert(rows.end(), row, row + table.dim);
  }
  return rows;
}

LoadedViews views_from_files(const FeatureSource& source, const std::vector<std::string>& names) {
  LoadedViews views;
  const auto plain = read_embedding_table(source.plain_file);
  views.dim = plain.dim;
  views.plain = rows_for(plain, names);
  views.source = source.plain_file;
  if (!source.flipped_file.empty()) {
    const auto flipped = read_embedding_table(source.flipped_file);
    if (flipped.dim != plain.dim) {
      throw InvalidFile(
          fmt::format("{}: {} dimensions, {} has {}", source.flipped_file, flipped.dim, source.plain_file, plain.dim));
    }
    views.mirrored = rows_for(flipped, names);
    views.source += " + " + source.flipped_file;
  }
  return views;
}

#ifdef MARGINLAB_WITH_OPENCV
// A progress line on stderr, at most once a second: images done, rate and time left.
class EmbeddingProgressLine {
 public:
  void operator()(std::int64_t done, std::int64_t total) {
    const auto now = std::chrono::steady_clock::now();
    if (done < total && now - last_ < std::chrono::seconds(1)) return;
    last_ = now;
    const double seconds = std::chrono::duration<double>(now - start_).count();
    const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
    const double left = rate > 0 ? static_cast<double>(total - done) / rate : 0;
    fmt::print(stderr, "\r  embedding {}/{} images ({:.1f}%), {:.1f} images/s, {} left   ", done, total,
               100.0 * static_cast<double>(done) / static_cast<double>(std::max<std::int64_t>(total, 1)), rate,
               fmt::format("{:02d}:{:02d}:{:02d}", static_cast<int>(left / 3600), static_cast<int>(left / 60) % 60,
                           static_cast<int>(left) % 60));
    if (done >= total) fmt::print(stderr, "\n");
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_ = start_ - std::chrono::seconds(2);
};

LoadedViews views_from_model(const ModelOptions& options, eval::BenchmarkImages images) {
  const auto device = train::resolve_device(train::device_choice_from_string(options.device, "--device"));
  const auto model = train::load_trained_model(options.checkpoint, device);
  fmt::print("model: {} ({}, step {}, {} input, colour {}) on {}\n", model.checkpoint.string(),
             model.experiment.model.backbone, model.step, model.experiment.data.image_size,
             model.experiment.data.color_order, device.str());
  std::fflush(stdout);
  EmbeddingProgressLine progress;
  auto views = eval::benchmark_views(model, images, {options.batch_size, 0, !options.no_cache},
                                     [&](std::int64_t done, std::int64_t total) { progress(done, total); });
  fmt::print("embeddings: {} ({})\n", views.from_cache ? "from the cache" : "computed, cached", views.cache.string());
  if (views.skipped > 0) {
    fmt::print("warning: {} of {} images could not be read or aligned (zero features), e.g. {}\n", views.skipped,
               images.files.size(), fmt::join(views.skipped_examples, "; "));
  }
  // Moved: IJB-C's embeddings and their mirrors are 1.9 GB at 512 dimensions.
  LoadedViews loaded{views.dim,
                     std::move(views.plain),
                     std::move(views.mirrored),
                     model.step,
                     model.checkpoint.parent_path().parent_path(),
                     model.checkpoint.string()};
  return loaded;
}
#endif

// The model's features when a checkpoint is given, else the files'. `images` lists what the model must embed.
template <typename MakeImages>
LoadedViews load_views(const FeatureSource& source, const std::vector<std::string>& names, MakeImages make_images) {
  if (source.model.checkpoint.empty()) return views_from_files(source, names);
#ifdef MARGINLAB_WITH_OPENCV
  return views_from_model(source.model, make_images());
#else
  (void)make_images;
  throw InvalidParameter("--checkpoint: this build embeds no images (built without OpenCV); give embedding files");
#endif
}

// A result line appended to the run's evaluations.jsonl, beside its verification results.
void record_in_run(const LoadedViews& views, const std::string& benchmark, const nlohmann::json& results) {
  if (views.run_directory.empty()) return;
  const auto file = views.run_directory / "evaluations.jsonl";
  std::ofstream out(file, std::ios::app);
  if (!(out << to_json(BenchmarkRecord{benchmark, views.step, views.source, results}).dump() << '\n'))
    throw InvalidFile(file.string() + ": cannot append the results");
  fmt::print("results appended to {}\n", file.string());
}

void write_json(const std::string& file, const nlohmann::json& document) {
  if (file.empty()) return;
  std::ofstream out(file);
  if (!(out << document.dump(2) << '\n')) throw InvalidFile(file + ": cannot write the results");
  fmt::print("results → {}\n", file);
}

std::string percent(double rate) { return std::isfinite(rate) ? fmt::format("{:.2f}", rate * 100) : "-"; }

// ---- ijb ----

struct IjbOptions {
  std::string root;
  std::string target;
  FeatureSource features;
  std::vector<std::string> modes;
  bool identification = true;
  std::string json_out;
};

std::vector<IjbMode> parse_modes(const std::vector<std::string>& names, bool have_flip) {
  if (names.empty()) {
    // The authors' defaults: insightface's eval_ijbc.py (N1D1F1) and AdaFace's validate_IJB_BC.py (N1D0F1).
    if (have_flip) return {kInsightfaceIjbMode, kAdaFaceIjbMode};
    return {{true, true, false}, {true, false, false}};
  }
  std::vector<IjbMode> modes;
  for (const auto& name : names) {
    if (name == "all") {
      // Every mode the features allow: without the mirrored embeddings, the four without F1.
      for (const auto mode : all_ijb_modes()) {
        if (have_flip || !mode.flip) modes.push_back(mode);
      }
      return modes;
    }
    const auto mode = ijb_mode_from_string(name);
    if (!mode) throw InvalidParameter("--mode " + name + ": expected N?D?F? with 0 or 1 each (N1D1F1), or all");
    modes.push_back(*mode);
  }
  return modes;
}

void print_verification_header() {
  fmt::print("  {:<8}{:<15}", "mode", "TAR (%) at FAR");
  for (double far : eval::kIjbFarTargets) fmt::print("{:>8.0e}", far);
  fmt::print("{:>9}\n", "AUC");
}

void print_verification(const IjbVerification& result) {
  fmt::print("  {:<8}{:<15}", result.mode.name(), "insightface");
  for (const auto& tar : result.tar) fmt::print("{:>8}", percent(tar.true_accept_rate));
  fmt::print("{:>9.5f}\n", result.auc);
  fmt::print("  {:<8}{:<15}", "", "FAR <= target");
  for (const auto& tar : result.tar_strict) fmt::print("{:>8}", percent(tar.true_accept_rate));
  fmt::print("\n");
}

void print_identification_header(const IjbIdentification& first) {
  fmt::print("1:N: {} probe templates", first.probe_templates);
  for (const auto& gallery : first.galleries) {
    fmt::print("; {}: {} templates, {} mated / {} non-mated probes", gallery.gallery, gallery.gallery_templates,
               gallery.mated, gallery.non_mated);
  }
  fmt::print("\n  {:<8}{:>8}{:>8}{:>8}   TPIR (%) at FPIR", "mode", "rank-1", "rank-5", "rank-10");
  for (double fpir : kIjbFpirTargets) fmt::print("{:>7.0e}", fpir);
  fmt::print("   merged rank-1/5/10\n");
}

void print_identification(const IjbIdentification& result) {
  fmt::print("  {:<8}{:>8}{:>8}{:>8}   {:<16}", result.mode.name(), percent(result.mean_top[0]),
             percent(result.mean_top[1]), percent(result.mean_top[2]), "");
  for (double tpir : result.mean_tpir) fmt::print("{:>7}", percent(tpir));
  if (result.merged) {
    fmt::print("   {}/{}/{}\n", percent(result.merged->top[0]), percent(result.merged->top[1]),
               percent(result.merged->top[2]));
  } else {
    fmt::print("   - ({})\n", result.merged_refused);
  }
}

int run_ijb(const IjbOptions& options) {
  const auto target = ijb_target_from_string(options.target);
  if (!target) throw InvalidParameter("--target " + options.target + ": expected IJBB or IJBC");
  const auto layout = find_ijb_layout(options.root, *target);
  const auto images = read_ijb_images(layout);
  const auto pairs = read_ijb_pairs(layout.template_pair_label());
  auto views = load_views(options.features, images.names, [&] {
#ifdef MARGINLAB_WITH_OPENCV
    eval::BenchmarkImages list{std::string(ijb_name(*target)),
                               fmt::format("{} loose crops under {}", ijb_name(*target), layout.loose_crop().string()),
                               {},
                               images.landmarks};
    for (const auto& name : images.names) list.files.push_back(layout.loose_crop() / name);
    return list;
#endif
  });
  const auto modes = parse_modes(options.modes, !views.mirrored.empty());
  // Moved, not copied: IJB-C's embeddings and their mirrors are 1.9 GB at 512 dimensions.
  const IjbFeatures features{views.dim, std::move(views.plain), std::move(views.mirrored)};

  const bool identification = options.identification && fs::is_regular_file(layout.probe_mixed()) &&
                              fs::is_regular_file(layout.galleries()[0]) && fs::is_regular_file(layout.galleries()[1]);
  std::optional<std::array<IjbSearchList, 2>> gallery_lists;
  std::optional<IjbSearchList> probe_list;
  if (identification) {
    gallery_lists = {read_ijb_search_list(layout.galleries()[0]), read_ijb_search_list(layout.galleries()[1])};
    probe_list = read_ijb_search_list(layout.probe_mixed());
  }

  nlohmann::json document;
  auto& out = document[std::string(ijb_name(*target))];
  std::int64_t genuine = 0;
  for (auto g : pairs.genuine) genuine += g;
  out["counts"] = {{"images", images.size()}, {"pairs", pairs.size()}, {"genuine", genuine}};
  out["features"] = views.source;
  fmt::print("{}: {} images, {} template pairs ({} genuine); features {}\n", ijb_name(*target), images.size(),
             pairs.size(), genuine, views.source);
  // 1:1 first for every mode (the table the papers print), then 1:N.
  std::vector<IjbTemplates> pooled;
  print_verification_header();
  for (const auto mode : modes) {
    const auto vectors = ijb_image_vectors(features, images.faceness, mode);
    pooled.push_back(pool_ijb_templates(images, vectors, features.dim));
    out["counts"]["templates"] = pooled.back().ids.size();
    const auto verification = verify_ijb(*target, images, pooled.back(), pairs, layout.template_pair_label(), mode);
    print_verification(verification);
    out["1to1"][mode.name()] = to_json(verification);
  }
  fmt::print(
      "  insightface: nearest FAR on the thinned ROC (eval_ijbc.py, the papers' tables); FAR <= target: the "
      "best TAR within it ('-': too few impostor pairs)\n");
  for (std::size_t m = 0; m < modes.size(); ++m) {
    const auto mode = modes[m];
    const auto& templates = pooled[m];
    if (identification) {
      const std::array<IjbSearchSet, 2> galleries{
          ijb_search_set(layout.gallery_names()[0], (*gallery_lists)[0], templates),
          ijb_search_set(layout.gallery_names()[1], (*gallery_lists)[1], templates)};
      const auto probes = ijb_search_set("probe", *probe_list, templates);
      const auto result = identify_ijb(*target, templates, galleries, probes, mode);
      if (m == 0) print_identification_header(result);
      print_identification(result);
      auto json = to_json(result);
      // The standard open-set figures once, for the first mode; the merged legacy figure per mode.
      if (m == 0) out["1N_separate"] = json["1N_separate"];
      if (json.contains("1N_merged")) out["1N_merged"][mode.name()] = json["1N_merged"][mode.name()];
    }
  }
  if (identification) {
    fmt::print(
        "  ranks and TPIR: each gallery searched alone, the two averaged (ijb_evals.py; TPIR needs the mate at "
        "rank 1); merged: both galleries as one (insightface ijb_1n.py, AdaFace), for comparison only\n");
  } else if (options.identification) {
    fmt::print("1:N: not computed (no {} / gallery lists in {})\n", layout.probe_mixed().filename().string(),
               (layout.folder / "meta").string());
  }
  write_json(options.json_out, document);
  record_in_run(views, std::string(ijb_name(*target)), out);
  return 0;
}

// ---- tinyface ----

struct TinyFaceOptions {
  std::string root;
  FeatureSource features;
  std::string aligned_folder = kTinyFaceAlignedFolder;
  bool unaligned = false;
  std::string json_out;
};

int run_tinyface(const TinyFaceOptions& options) {
  const auto layout = find_tinyface_layout(options.root, options.unaligned ? "" : options.aligned_folder);
  std::vector<std::string> names(layout.probes);
  names.insert(names.end(), layout.matches.begin(), layout.matches.end());
  names.insert(names.end(), layout.distractors.begin(), layout.distractors.end());
  fmt::print("TinyFace: {} probes, {} gallery matches, {} distractors, images in {}{}\n", layout.probes.size(),
             layout.matches.size(), layout.distractors.size(), layout.images.string(),
             layout.aligned ? "" : " (raw crops resized, NOT comparable with published numbers)");
  const auto views = load_views(options.features, names, [&] {
#ifdef MARGINLAB_WITH_OPENCV
    eval::BenchmarkImages list{layout.aligned ? "TinyFace" : "TinyFace-raw",
                               fmt::format("TinyFace test images under {}", layout.images.string()),
                               {},
                               {}};
    for (const auto& name : names) list.files.push_back(layout.images / name);
    return list;
#endif
  });
  const auto fused = fuse_flip_unit(views.plain, views.mirrored, views.dim);
  const auto split = fused.begin() + static_cast<std::ptrdiff_t>(layout.probes.size() * views.dim);
  const auto result = identify_tinyface(layout, {fused.begin(), split}, {split, fused.end()}, views.dim);
  fmt::print("  flip {}; {} probes with a mate, {} without\n",
             views.mirrored.empty() ? "not used" : "added (unit(f + f_flip))", result.mate_probes,
             result.non_mate_probes);
  fmt::print("  rank");
  for (std::size_t r = 0; r < kTinyFaceRanks.size(); ++r)
    fmt::print("  {}: {} %", kTinyFaceRanks[r], percent(result.rank[r]));
  fmt::print("\n");
  auto json = to_json(result);
  json["features"] = views.source;
  json["flip"] = !views.mirrored.empty();
  write_json(options.json_out, {{"tinyface", json}});
  record_in_run(views, "TinyFace", json);
  return 0;
}

// ---- align ----

#ifdef MARGINLAB_WITH_OPENCV
struct AlignOptions {
  std::string images;
  std::string landmarks;
  std::string out;
  std::string grid;
  int grid_faces = 100;
};

int run_align(const AlignOptions& options) {
  const auto entries = read_landmark_file(options.landmarks);
  std::int64_t aligned = 0;
  std::vector<std::string> unreadable, degenerate;
  std::vector<std::optional<data::ImageSample>> sheet;
  std::vector<std::string> captions;
  for (const auto& entry : entries) {
    const fs::path relative(entry.path);
    const auto source = relative.is_absolute() ? relative : fs::path(options.images) / relative;
    std::optional<data::ImageSample> face;
    try {
      const auto matrix = estimate_similarity(entry.points);
      std::string bytes;
      try {
        bytes = read_whole_file(source);
      } catch (const InvalidFile&) {
        throw UnreadableSample("cannot read " + source.string());
      }
      const auto loose = data::decode_image({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()},
                                            data::ColorOrder::bgr, source.string());
      face = data::align_face(loose, matrix);
      const auto target = fs::path(options.out) / (relative.is_absolute() ? relative.filename() : relative);
      data::write_image(*face, data::ColorOrder::bgr, target);
      ++aligned;
    } catch (const InvalidParameter& error) {
      degenerate.push_back(fmt::format("{} (line {}): {}", entry.path, entry.line, error.what()));
    } catch (const UnreadableSample& error) {
      unreadable.push_back(fmt::format("{} (line {}): {}", entry.path, entry.line, error.what()));
    }
    if (static_cast<int>(sheet.size()) < options.grid_faces) {
      sheet.push_back(std::move(face));
      captions.push_back(fmt::format("line {}", entry.line));
    }
  }
  fmt::print("aligned {} of {} faces onto the ArcFace 112x112 template → {}\n", aligned, entries.size(), options.out);
  const auto list = [](const char* what, const std::vector<std::string>& items) {
    if (items.empty()) return;
    fmt::print("{} {}:\n", items.size(), what);
    for (std::size_t i = 0; i < std::min<std::size_t>(items.size(), 10); ++i) fmt::print("  {}\n", items[i]);
    if (items.size() > 10) fmt::print("  … and {} more\n", items.size() - 10);
  };
  list("unreadable", unreadable);
  list("with degenerate landmarks", degenerate);
  if (!options.grid.empty()) {
    data::write_contact_sheet(sheet, captions, data::ColorOrder::bgr, 10, 112, options.grid);
    fmt::print("contact sheet of the first {} → {}\n", sheet.size(), options.grid);
  }
  return aligned > 0 ? 0 : 1;
}
#endif

void add_feature_options(CLI::App& command, FeatureSource& source, const char* plain_flag, const char* flipped_flag) {
  auto* checkpoint =
      command.add_option("--checkpoint", source.model.checkpoint,
                         "a run directory (trained or imported) or a checkpoint in one: embed the images");
  auto* plain = command.add_option(plain_flag, source.plain_file, "embeddings made elsewhere: '<name> v1 … vD' lines");
  command.add_option(flipped_flag, source.flipped_file, "the mirrored images' embeddings, same layout")->needs(plain);
  checkpoint->excludes(plain);
  command.add_option("--batch", source.model.batch_size, "images per forward pass (changes no number)")
      ->check(CLI::PositiveNumber)
      ->needs(checkpoint);
  command.add_option("--device", source.model.device, "auto, cpu or cuda")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  command.add_flag("--no-cache", source.model.no_cache, "embed again even when the run holds these embeddings");
  command.callback([&command, checkpoint, plain] {
    if (checkpoint->count() == 0 && plain->count() == 0) {
      throw CLI::RequiredError(fmt::format("{}: --checkpoint or {}", command.get_name(), plain->get_name()));
    }
  });
}

}  // namespace

void add_benchmark_commands(CLI::App& app, CLI::App& /*bench_group*/, Commands& commands) {
  auto* ijb = app.add_subcommand("ijb", "IJB-B / IJB-C 1:1 and 1:N as the authors' scripts compute them");
  auto ijb_options = std::make_shared<IjbOptions>();
  ijb->add_option("--root", ijb_options->root, "the IJB release (holding IJBC/ or IJBB/), or the target's folder")
      ->required();
  ijb->add_option("--target", ijb_options->target, "IJBC or IJBB")->required();
  add_feature_options(*ijb, ijb_options->features, "--embeddings", "--embeddings-flip");
  ijb->add_option("--mode", ijb_options->modes,
                  "N?D?F? (N1: raw norms, D1: weight by detector score, F1: add the flip), repeatable, or all "
                  "(default: N1D1F1 insightface and N1D0F1 AdaFace)");
  ijb->add_flag("!--no-1n", ijb_options->identification, "skip 1:N identification");
  ijb->add_option("--json", ijb_options->json_out, "write the results (reference-a.json's key names)");
  commands.push_back({ijb, [ijb_options] { return run_ijb(*ijb_options); }});

  auto* tinyface = app.add_subcommand("tinyface", "TinyFace rank-1/5/10/20 as AdaFace's validate_tinyface.py");
  auto tiny_options = std::make_shared<TinyFaceOptions>();
  tinyface->add_option("--root", tiny_options->root, "holding tinyface/Testing_Set and the aligned copy")->required();
  add_feature_options(*tinyface, tiny_options->features, "--features", "--features-flip");
  tinyface->add_option("--aligned-folder", tiny_options->aligned_folder, "the aligned copy's folder under --root")
      ->capture_default_str();
  tinyface->add_flag("--unaligned", tiny_options->unaligned,
                     "embed the raw Testing_Set crops resized (not comparable with published numbers)");
  tinyface->add_option("--json", tiny_options->json_out, "write the results");
  commands.push_back({tinyface, [tiny_options] { return run_tinyface(*tiny_options); }});

#ifdef MARGINLAB_WITH_OPENCV
  auto* align = app.add_subcommand("align", "five-point alignment of face images onto the ArcFace 112x112 template");
  auto align_options = std::make_shared<AlignOptions>();
  align->add_option("--images", align_options->images, "the folder the landmark file's paths are relative to")
      ->required();
  align->add_option("--landmarks", align_options->landmarks, "'path x1 y1 … x5 y5 [score]' lines")->required();
  align->add_option("--out", align_options->out, "folder for the aligned images (same relative paths)")->required();
  align->add_option("--grid", align_options->grid, "also a contact sheet of the first faces (.png or .jpg)");
  align->add_option("--grid-faces", align_options->grid_faces, "faces on the contact sheet")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  commands.push_back({align, [align_options] { return run_align(*align_options); }});
#endif
}

}  // namespace marginlab::cli
