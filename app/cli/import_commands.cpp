// marginlab-cli import: a model from arcface_torch, AdaFace or CVLface as a MarginLab run directory.
#include <fmt/format.h>

#include <filesystem>
#include <memory>
#include <string>

#include "app/cli/command.h"
#include "core/errors.h"
#include "engine/import/model_import.h"
#ifdef MARGINLAB_WITH_OPENCV
#include "engine/train/data_setup.h"
#endif

namespace marginlab::cli {
namespace {

namespace fs = std::filesystem;

struct ImportCommandOptions {
  std::string path;
  std::string backbone;
  std::string classes_from;
  std::string out;
};

#ifdef MARGINLAB_WITH_OPENCV
// "synthface", a .rec file or a folder holding train.rec (RecordIO), or a folder of identity folders.
train::DataSettings data_settings(const std::string& data) {
  train::DataSettings settings;
  if (data == "synthface") return settings;
  const fs::path path(data);
  if (!fs::exists(path)) throw InvalidParameter("--classes-from " + data + ": no such file or folder");
  settings.source = path.extension() == ".rec" || fs::exists(path / "train.rec") ? "recordio" : "image_folder";
  settings.path = data;
  return settings;
}
#endif

int run_import(const ImportCommandOptions& options) {
  importing::ImportOptions import_options;
  import_options.backbone = options.backbone;
  if (!options.classes_from.empty()) {
#ifdef MARGINLAB_WITH_OPENCV
    auto data = data_settings(options.classes_from);
    import_options.data_classes = train::open_training_data(data, "--classes-from").train->num_classes();
    import_options.data = data;
#else
    throw InvalidParameter("--classes-from: this build reads no datasets (it was built without OpenCV)");
#endif
  }
  fmt::print("reading {}\n", options.path);
  std::fflush(stdout);
  const auto model = importing::import_model(options.path, import_options);
  for (const auto& line : importing::describe(model)) fmt::print("  {}\n", line);
  importing::write_imported_run(model, options.out);
  fmt::print("wrote {} (step 0: experiment.json, checkpoints/latest.pt, model_card.json)\n", options.out);
  return 0;
}

}  // namespace

void add_import_commands(CLI::App& app, CLI::App& /*bench_group*/, Commands& commands) {
  auto* command = app.add_subcommand(
      "import",
      "a model of arcface_torch (backbone.pth, model.pt, Partial FC shards), AdaFace (Lightning .ckpt) or CVLface "
      "(model.safetensors + model.yaml) as a run directory that eval, embed, export and the workbench read");
  auto options = std::make_shared<ImportCommandOptions>();
  command->add_option("path", options->path, "the weights file, or a folder of shards / of a CVLface model")
      ->required();
  command->add_option("--backbone", options->backbone,
                      "the backbone kind, where the names do not tell (marginlab-cli model-info lists them)");
  command->add_option("--classes-from", options->classes_from,
                      "the data the model is for (synthface, a .rec, an image folder): the classifier must have its "
                      "class count, and the run names it");
  command->add_option("--out", options->out, "the run directory to write (new, or an empty folder)")->required();
  commands.push_back({command, [options] { return run_import(*options); }});
}

}  // namespace marginlab::cli
