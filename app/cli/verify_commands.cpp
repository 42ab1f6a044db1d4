// marginlab-cli verify: the verification protocol on embeddings made elsewhere (another framework, another
// machine), so that numbers are comparable with MarginLab's own. Needs neither a model nor images.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <memory>
#include <string>

#include "app/cli/command.h"
#include "app/cli/evaluation_report.h"
#include "core/errors.h"
#include "core/eval/set_evaluation.h"
#include "engine/formats/npy.h"
#include "engine/formats/pair_list.h"

namespace marginlab::cli {
namespace {

struct VerifyOptions {
  std::string embeddings;
  std::string issame;
  int folds = 10;
  std::string json_out;
};

// The flags as a text list, or a 1-D .npy of bools or integers.
std::vector<bool> read_issame(const std::string& path) {
  if (!path.ends_with(".npy")) return formats::read_issame_list(path);
  const auto array = formats::read_npy(path);
  if (array.shape.size() != 1) throw InvalidFile(path + ": issame must be one-dimensional");
  std::vector<bool> flags;
  for (std::size_t i = 0; i < array.values.size(); ++i) {
    const float v = array.values[i];
    if (v != 0.0f && v != 1.0f) throw InvalidFile(fmt::format("{}: entry {} is {}, not 0 or 1", path, i, v));
    flags.push_back(v == 1.0f);
  }
  return flags;
}

int run_verify(const VerifyOptions& options) {
  const auto array = formats::read_npy(options.embeddings);
  const auto issame = read_issame(options.issame);
  if (array.shape.size() != 2) {
    throw InvalidFile(options.embeddings + ": expected a (2·pairs, dim) array, got " +
                      std::to_string(array.shape.size()) + " dimensions");
  }
  const auto rows = array.shape[0];
  const auto dim = array.shape[1];
  if (rows != 2 * static_cast<std::int64_t>(issame.size())) {
    throw InvalidFile(fmt::format("{} has {} rows but {} lists {} pairs: pair i must be rows 2i and 2i+1, as in "
                                  "insightface's .bin packs",
                                  options.embeddings, rows, options.issame, issame.size()));
  }
  std::vector<float> norms(rows);
  for (std::int64_t r = 0; r < rows; ++r) {
    double sum = 0.0;
    for (std::int64_t k = 0; k < dim; ++k) sum += static_cast<double>(array.values[r * dim + k]) * array.values[r * dim + k];
    norms[r] = static_cast<float>(std::sqrt(sum));
    if (!std::isfinite(norms[r]) || norms[r] == 0.0f) {
      throw InvalidFile(fmt::format("{}: row {} has norm {}; cosine similarity is undefined", options.embeddings, r,
                                    norms[r]));
    }
  }
  eval::ScoredPairs pairs;
  for (std::size_t i = 0; i < issame.size(); ++i) {
    const auto a = static_cast<std::int64_t>(2 * i), b = a + 1;
    double dot = 0.0;
    for (std::int64_t k = 0; k < dim; ++k) dot += static_cast<double>(array.values[a * dim + k]) * array.values[b * dim + k];
    pairs.scores.push_back(static_cast<float>(dot / (static_cast<double>(norms[a]) * norms[b])));
    pairs.same.push_back(issame[i] ? 1 : 0);
    pairs.first.push_back(a);
    pairs.second.push_back(b);
  }
  // Unit-length rows carry no quality signal: then only "all" is reported.
  const auto [lowest, highest] = std::minmax_element(norms.begin(), norms.end());
  const bool norms_vary = *highest - *lowest > 1e-3f * *highest;

  eval::SetEvaluation result;
  result.set = options.embeddings;
  result.images = rows;
  eval::add_pair_metrics(result, pairs, norms_vary ? std::span<const float>(norms) : std::span<const float>(),
                         options.folds, 200);
  if (!norms_vary) result.strata_basis = "none: the embeddings are unit-length, so their norms carry no quality";
  print_set_evaluation(result);
  if (!options.json_out.empty()) {
    std::ofstream out(options.json_out);
    if (!(out << eval::to_json(result).dump(2) << '\n')) throw InvalidFile(options.json_out + ": cannot write");
  }
  return 0;
}

}  // namespace

void add_verify_commands(CLI::App& app, CLI::App& /*bench_group*/, Commands& commands) {
  auto* verify = app.add_subcommand("verify", "verification metrics for embeddings made elsewhere (.npy)");
  auto options = std::make_shared<VerifyOptions>();
  verify->add_option("--embeddings", options->embeddings, "(2·pairs, dim) .npy; pair i = rows 2i, 2i+1")
      ->required()
      ->check(CLI::ExistingFile);
  verify->add_option("--issame", options->issame, "one 0/1 flag per pair: a text list or a 1-D .npy")
      ->required()
      ->check(CLI::ExistingFile);
  verify->add_option("--folds", options->folds, "cross-validation folds")->check(CLI::Range(2, 100));
  verify->add_option("--json", options->json_out, "also write the results as JSON");
  commands.push_back({verify, [options] { return run_verify(*options); }});
}

}  // namespace marginlab::cli
