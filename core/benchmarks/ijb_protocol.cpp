#include "core/benchmarks/ijb_protocol.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <queue>
#include <stdexcept>
#include <tuple>
#include <unordered_map>
#include <variant>

#include "core/benchmarks/similarity.h"
#include "core/benchmarks/text_table.h"
#include "core/errors.h"

namespace marginlab::benchmarks {
namespace {

nlohmann::json number_or_null(double value) { return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(); }

// Mated probes whose mate is at rank ≤ k: the mate's rank is one more than the gallery entries scoring above it.
void count_ranks(std::span<const double> scores, double mate_score, std::array<std::int64_t, 3>& counts) {
  const auto above = std::count_if(scores.begin(), scores.end(), [&](double s) { return s > mate_score; });
  for (std::size_t r = 0; r < kIjbRanks.size(); ++r) counts[r] += above < kIjbRanks[r];
}

IjbGallerySearch search_one_gallery(const IjbTemplates& templates, const IjbSearchSet& gallery,
                                    const IjbSearchSet& probes) {
  IjbGallerySearch result;
  result.gallery = gallery.name;
  result.gallery_templates = static_cast<std::int64_t>(gallery.rows.size());
  // ijb_evals.py takes the first gallery template of a subject as its mate; any other of the same subject is
  // neither mate nor non-mate.
  std::unordered_map<std::int64_t, std::size_t> mate_of;
  for (std::size_t g = 0; g < gallery.rows.size(); ++g) mate_of.emplace(gallery.subjects[g], g);
  std::vector<double> scores(gallery.rows.size());
  std::vector<double> mate_scores, non_mated_max;
  std::vector<std::uint8_t> mate_first;  // the mate outscores every other subject's template
  for (std::size_t p = 0; p < probes.rows.size(); ++p) {
    inner_products(templates.row(probes.rows[p]), templates, gallery.rows, scores);
    const auto mate = mate_of.find(probes.subjects[p]);
    if (mate == mate_of.end()) {
      non_mated_max.push_back(*std::max_element(scores.begin(), scores.end()));
      continue;
    }
    const double mate_score = scores[mate->second];
    count_ranks(scores, mate_score, result.top_counts);
    double best_other = -std::numeric_limits<double>::infinity();
    for (std::size_t g = 0; g < scores.size(); ++g) {
      if (gallery.subjects[g] != probes.subjects[p]) best_other = std::max(best_other, scores[g]);
    }
    mate_scores.push_back(mate_score);
    mate_first.push_back(mate_score > best_other);
  }
  result.mated = static_cast<std::int64_t>(mate_scores.size());
  result.non_mated = static_cast<std::int64_t>(non_mated_max.size());
  std::sort(non_mated_max.begin(), non_mated_max.end(), std::greater<>());
  for (double fpir : kIjbFpirTargets) {
    double threshold = std::numeric_limits<double>::quiet_NaN(), tpir = std::numeric_limits<double>::quiet_NaN();
    if (!non_mated_max.empty() && !mate_scores.empty()) {
      // The threshold that lets ⌊n·fpir⌋ non-mated searches through (at least the highest): ijb_evals.py's index.
      const auto through = static_cast<std::int64_t>(std::floor(static_cast<double>(non_mated_max.size()) * fpir));
      threshold = non_mated_max[static_cast<std::size_t>(std::max<std::int64_t>(through - 1, 0))];
      std::int64_t hits = 0;
      for (std::size_t m = 0; m < mate_scores.size(); ++m) hits += mate_first[m] && mate_scores[m] > threshold;
      tpir = static_cast<double>(hits) / static_cast<double>(mate_scores.size());
    }
    result.thresholds.push_back(threshold);
    result.tpir.push_back(tpir);
  }
  return result;
}

// The merged gallery's figures, or why there are none.
std::variant<IjbMergedSearch, std::string> search_merged(const IjbTemplates& templates,
                                                         const std::array<IjbSearchSet, 2>& galleries,
                                                         const IjbSearchSet& probes) {
  // The union of both lists, each template once (np.unique over the concatenated rows), subject from its first row.
  std::vector<std::pair<std::size_t, std::int64_t>> merged;
  for (const auto& gallery : galleries) {
    for (std::size_t g = 0; g < gallery.rows.size(); ++g) merged.emplace_back(gallery.rows[g], gallery.subjects[g]);
  }
  std::stable_sort(merged.begin(), merged.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  merged.erase(
      std::unique(merged.begin(), merged.end(), [](const auto& a, const auto& b) { return a.first == b.first; }),
      merged.end());
  std::vector<std::size_t> rows;
  std::unordered_map<std::int64_t, std::vector<std::size_t>> positions;
  for (std::size_t g = 0; g < merged.size(); ++g) {
    rows.push_back(merged[g].first);
    positions[merged[g].second].push_back(g);
  }
  std::vector<std::size_t> mask;
  for (std::size_t p = 0; p < probes.rows.size(); ++p) {
    const auto found = positions.find(probes.subjects[p]);
    const std::size_t count = found == positions.end() ? 0 : found->second.size();
    if (count != 1) {
      return fmt::format("probe subject {} has {} templates in the merged gallery (the merged protocol needs one)",
                         probes.subjects[p], count);
    }
    mask.push_back(found->second.front());
  }
  IjbMergedSearch result;
  result.gallery_templates = static_cast<std::int64_t>(rows.size());
  result.probe_templates = static_cast<std::int64_t>(probes.rows.size());
  constexpr std::array<double, 2> kFars{0.01, 0.1};
  const double probe_count = static_cast<double>(probes.rows.size());
  std::size_t needed = 0;
  for (double far : kFars) needed = std::max(needed, static_cast<std::size_t>(std::ceil(probe_count * far)));
  // The `needed` highest non-mate scores of all probes together (AdaFace's heapq.nlargest over the whole matrix).
  std::priority_queue<double, std::vector<double>, std::greater<>> highest;
  std::array<std::int64_t, 3> top_counts{};
  std::vector<double> mate_scores;
  std::vector<double> scores(rows.size());
  for (std::size_t p = 0; p < probes.rows.size(); ++p) {
    inner_products(templates.row(probes.rows[p]), templates, rows, scores);
    count_ranks(scores, scores[mask[p]], top_counts);
    mate_scores.push_back(scores[mask[p]]);
    for (std::size_t g = 0; g < scores.size(); ++g) {
      if (g == mask[p]) continue;
      if (highest.size() < needed) {
        highest.push(scores[g]);
      } else if (needed > 0 && scores[g] > highest.top()) {
        highest.pop();
        highest.push(scores[g]);
      }
    }
  }
  for (std::size_t r = 0; r < 3; ++r) result.top[r] = static_cast<double>(top_counts[r]) / probe_count;
  std::vector<double> descending;
  for (; !highest.empty(); highest.pop()) descending.push_back(highest.top());
  std::reverse(descending.begin(), descending.end());
  for (std::size_t f = 0; f < kFars.size(); ++f) {
    const auto rank = static_cast<std::size_t>(std::ceil(probe_count * kFars[f]));
    if (rank == 0 || rank > descending.size()) {
      result.far_pr[f] = std::numeric_limits<double>::quiet_NaN();
      continue;
    }
    const double threshold = descending[rank - 1];
    result.far_pr[f] = static_cast<double>(std::count_if(mate_scores.begin(), mate_scores.end(),
                                                         [&](double s) { return s > threshold; })) /
                       probe_count;
  }
  return result;
}

}  // namespace

std::string IjbMode::name() const {
  return fmt::format("N{}D{}F{}", keep_norm ? 1 : 0, detector_score ? 1 : 0, flip ? 1 : 0);
}

std::optional<IjbMode> ijb_mode_from_string(std::string_view name) {
  if (name.size() != 6) return std::nullopt;
  const auto letter = [](char c) { return static_cast<char>(std::toupper(static_cast<unsigned char>(c))); };
  if (letter(name[0]) != 'N' || letter(name[2]) != 'D' || letter(name[4]) != 'F') return std::nullopt;
  const auto bit = [](char c) -> std::optional<bool> {
    if (c == '0' || c == '1') return c == '1';
    return std::nullopt;
  };
  const auto n = bit(name[1]), d = bit(name[3]), f = bit(name[5]);
  if (!n || !d || !f) return std::nullopt;
  return IjbMode{*n, *d, *f};
}

std::vector<IjbMode> all_ijb_modes() {
  std::vector<IjbMode> modes;
  for (bool n : {true, false}) {
    for (bool d : {true, false}) {
      for (bool f : {true, false}) modes.push_back({n, d, f});
    }
  }
  return modes;
}

std::vector<float> ijb_image_vectors(const IjbFeatures& features, std::span<const float> faceness, IjbMode mode) {
  const auto dim = static_cast<std::size_t>(features.dim);
  if (dim == 0 || features.plain.size() % dim != 0) {
    throw std::invalid_argument(fmt::format("IJB features: {} values of {} dimensions", features.plain.size(), dim));
  }
  const std::size_t images = features.plain.size() / dim;
  if (faceness.size() != images) {
    throw std::invalid_argument(fmt::format("IJB features: {} images, {} detector scores", images, faceness.size()));
  }
  if (mode.flip && features.flipped.size() != features.plain.size()) {
    throw InvalidParameter(fmt::format("mode {}: F1 adds the mirrored images' embeddings, and there are none{}",
                                       mode.name(), features.flipped.empty() ? "" : " for every image"));
  }
  std::vector<float> vectors(features.plain);
  for (std::size_t i = 0; i < images; ++i) {
    float* x = vectors.data() + i * dim;
    // In float, as the authors' numpy arrays are: the sum of the two views, then the unit vector, then the score.
    if (mode.flip) {
      const float* mirrored = features.flipped.data() + i * dim;
      for (std::size_t k = 0; k < dim; ++k) x[k] += mirrored[k];
    }
    if (!mode.keep_norm) {
      double squares = 0;
      for (std::size_t k = 0; k < dim; ++k) squares += static_cast<double>(x[k]) * x[k];
      const auto norm = static_cast<float>(std::sqrt(squares));
      if (norm > 0) {
        for (std::size_t k = 0; k < dim; ++k) x[k] /= norm;
      }
    }
    if (mode.detector_score) {
      for (std::size_t k = 0; k < dim; ++k) x[k] *= faceness[i];
    }
  }
  return vectors;
}

std::optional<std::size_t> IjbTemplates::index_of(std::int64_t id) const {
  const auto found = std::lower_bound(ids.begin(), ids.end(), id);
  if (found == ids.end() || *found != id) return std::nullopt;
  return static_cast<std::size_t>(found - ids.begin());
}

IjbTemplates pool_ijb_templates(const IjbImages& images, std::span<const float> vectors, std::int64_t dim) {
  const auto width = static_cast<std::size_t>(dim);
  if (vectors.size() != images.size() * width) {
    throw std::invalid_argument(
        fmt::format("IJB pooling: {} values for {} images of {} dimensions", vectors.size(), images.size(), dim));
  }
  // Images by (template, media): the release's frames of one media need not be contiguous, nor a template's lines.
  std::vector<std::size_t> order(images.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return std::tie(images.templates[a], images.medias[a]) < std::tie(images.templates[b], images.medias[b]);
  });
  IjbTemplates templates;
  templates.dim = dim;
  std::vector<double> media(width);
  for (std::size_t begin = 0; begin < order.size();) {
    const auto id = images.templates[order[begin]];
    templates.ids.push_back(id);
    const std::size_t row = templates.unit.size();
    templates.unit.resize(row + width, 0.0);
    double* sum = templates.unit.data() + row;
    std::size_t end = begin;
    while (end < order.size() && images.templates[order[end]] == id) {
      const auto media_id = images.medias[order[end]];
      std::fill(media.begin(), media.end(), 0.0);
      std::size_t frames = 0;
      for (; end < order.size() && images.templates[order[end]] == id && images.medias[order[end]] == media_id;
           ++end, ++frames) {
        const float* x = vectors.data() + order[end] * width;
        for (std::size_t k = 0; k < width; ++k) media[k] += x[k];
      }
      for (std::size_t k = 0; k < width; ++k) sum[k] += media[k] / static_cast<double>(frames);
    }
    double squares = 0;
    for (std::size_t k = 0; k < width; ++k) squares += sum[k] * sum[k];
    if (!std::isfinite(squares)) {
      throw InvalidParameter(
          fmt::format("template {}: its pooled features are not finite (embeddings or detector "
                      "scores too large)",
                      id));
    }
    if (squares > 0) {
      const double norm = std::sqrt(squares);
      for (std::size_t k = 0; k < width; ++k) sum[k] /= norm;
    }
    begin = end;
  }
  return templates;
}

std::vector<double> score_ijb_pairs(const IjbTemplates& templates, const IjbPairs& pairs,
                                    const std::filesystem::path& pairs_file) {
  std::vector<double> scores(pairs.size());
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const auto first = templates.index_of(pairs.first[i]);
    const auto second = templates.index_of(pairs.second[i]);
    if (!first || !second) {
      throw InvalidFile(fmt::format("{}:{}: template {} has no image in the meta files", pairs_file.string(),
                                    line_of_record(pairs_file, FieldSeparator::blanks, i),
                                    first ? pairs.second[i] : pairs.first[i]));
    }
    scores[i] = inner_product(templates.row(*first), templates.row(*second), templates.dim);
  }
  return scores;
}

IjbVerification verify_ijb(IjbTarget target, const IjbImages& images, const IjbTemplates& templates,
                           const IjbPairs& pairs, const std::filesystem::path& pairs_file, IjbMode mode,
                           std::size_t roc_points) {
  const auto scores = score_ijb_pairs(templates, pairs, pairs_file);
  const auto roc = eval::roc_curve(std::span<const double>(scores), pairs.genuine);
  IjbVerification result;
  result.target = std::string(ijb_name(target));
  result.mode = mode;
  result.images = static_cast<std::int64_t>(images.size());
  result.templates = static_cast<std::int64_t>(templates.ids.size());
  result.pairs = static_cast<std::int64_t>(pairs.size());
  result.genuine = roc.genuine;
  result.tar = eval::nearest_tar_at_far(roc);
  result.tar_strict = eval::tar_at_far(roc, eval::kIjbFarTargets);
  result.auc = eval::roc_auc(roc);
  result.score_first5.assign(scores.begin(),
                             scores.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(5, scores.size())));
  result.score_sum = std::accumulate(scores.begin(), scores.end(), 0.0);
  result.roc = roc.points.empty() ? roc : eval::downsample_roc(roc, roc_points);
  return result;
}

IjbSearchSet ijb_search_set(std::string name, const IjbSearchList& list, const IjbTemplates& templates) {
  std::vector<std::pair<std::size_t, std::int64_t>> chosen;  // (template row, subject of its first list row)
  std::unordered_map<std::int64_t, bool> seen;
  for (std::size_t r = 0; r < list.templates.size(); ++r) {
    const auto id = list.templates[r];
    if (!seen.emplace(id, true).second) continue;
    const auto row = templates.index_of(id);
    if (!row) {
      // Record r + 1: the header is the file's first.
      throw InvalidFile(fmt::format("{}:{}: template {} has no image in the meta files", list.file.string(),
                                    line_of_record(list.file, FieldSeparator::comma, r + 1), id));
    }
    chosen.emplace_back(*row, list.subjects[r]);
  }
  std::sort(chosen.begin(), chosen.end());
  IjbSearchSet set{std::move(name), {}, {}};
  for (const auto& [row, subject] : chosen) {
    set.rows.push_back(row);
    set.subjects.push_back(subject);
  }
  return set;
}

IjbIdentification identify_ijb(IjbTarget target, const IjbTemplates& templates,
                               const std::array<IjbSearchSet, 2>& galleries, const IjbSearchSet& probes, IjbMode mode) {
  IjbIdentification result;
  result.target = std::string(ijb_name(target));
  result.mode = mode;
  result.probe_templates = static_cast<std::int64_t>(probes.rows.size());
  for (std::size_t g = 0; g < 2; ++g) result.galleries[g] = search_one_gallery(templates, galleries[g], probes);
  for (std::size_t r = 0; r < 3; ++r) {
    result.mean_top[r] = static_cast<double>(result.galleries[0].top_counts[r] + result.galleries[1].top_counts[r]) /
                         static_cast<double>(probes.rows.size());
  }
  for (std::size_t f = 0; f < kIjbFpirTargets.size(); ++f) {
    result.mean_tpir.push_back((result.galleries[0].tpir[f] + result.galleries[1].tpir[f]) / 2);
  }
  auto merged = search_merged(templates, galleries, probes);
  if (auto* search = std::get_if<IjbMergedSearch>(&merged)) {
    result.merged = *search;
  } else {
    result.merged_refused = std::get<std::string>(merged);
  }
  return result;
}

std::string rate_key(double rate) { return fmt::format("{}", rate); }

nlohmann::json to_json(const IjbVerification& verification) {
  nlohmann::json tar = nlohmann::json::object(), printed = nlohmann::json::array(), reached = nlohmann::json::object(),
                 strict = nlohmann::json::object();
  for (const auto& entry : verification.tar) {
    tar[rate_key(entry.far_target)] = number_or_null(entry.true_accept_rate);
    printed.push_back(std::isfinite(entry.true_accept_rate) ? fmt::format("{:.2f}", entry.true_accept_rate * 100)
                                                            : std::string("-"));
    reached[rate_key(entry.far_target)] = number_or_null(entry.false_accept_rate);
  }
  for (const auto& entry : verification.tar_strict) {
    strict[rate_key(entry.far_target)] = number_or_null(entry.true_accept_rate);
  }
  nlohmann::json far = nlohmann::json::array(), tars = nlohmann::json::array();
  for (const auto& point : verification.roc.points) {
    far.push_back(point.false_accept_rate);
    tars.push_back(point.true_accept_rate);
  }
  return {{"mode", verification.mode.name()},
          {"readout", "insightface: nearest FAR on sklearn's thinned ROC (eval_ijbc.py)"},
          {"tar", tar},
          {"tar_printed", printed},
          {"far_reached", reached},
          {"tar_strict", strict},
          {"readout_strict", "best TAR with FAR <= target; null where the impostors cannot express the target"},
          {"auc", number_or_null(verification.auc)},
          {"score_first5", verification.score_first5},
          {"score_sum", verification.score_sum},
          {"roc", {{"far", far}, {"tar", tars}}}};
}

nlohmann::json to_json(const IjbIdentification& identification) {
  nlohmann::json separate = {{"mode", identification.mode.name()}, {"probe_templates", identification.probe_templates}};
  const auto rates = [](const std::vector<double>& values) {
    nlohmann::json object = nlohmann::json::object();
    for (std::size_t f = 0; f < kIjbFpirTargets.size(); ++f) {
      object[rate_key(kIjbFpirTargets[f])] = number_or_null(values[f]);
    }
    return object;
  };
  for (const auto& gallery : identification.galleries) {
    separate["gallery_" + gallery.gallery] = {{"gallery_templates", gallery.gallery_templates},
                                              {"mated_probes", gallery.mated},
                                              {"non_mated_probes", gallery.non_mated},
                                              {"top1_count", gallery.top_counts[0]},
                                              {"top5_count", gallery.top_counts[1]},
                                              {"top10_count", gallery.top_counts[2]},
                                              {"tpir", rates(gallery.tpir)},
                                              {"threshold", rates(gallery.thresholds)}};
  }
  separate["mean_top1"] = identification.mean_top[0];
  separate["mean_top5"] = identification.mean_top[1];
  separate["mean_top10"] = identification.mean_top[2];
  separate["mean_tpir"] = rates(identification.mean_tpir);
  nlohmann::json result = {{"1N_separate", separate}};
  if (identification.merged) {
    const auto& merged = *identification.merged;
    result["1N_merged"][identification.mode.name()] = {
        {"protocol", "galleries merged, as insightface ijb_1n.py and AdaFace print; far/pr is not TPIR at FPIR"},
        {"top", {{"top1", merged.top[0]}, {"top5", merged.top[1]}, {"top10", merged.top[2]}}},
        {"far_pr",
         {{"0.0100000000", number_or_null(merged.far_pr[0])}, {"0.1000000000", number_or_null(merged.far_pr[1])}}},
        {"gallery_templates", merged.gallery_templates},
        {"probe_templates", merged.probe_templates}};
  } else {
    result["1N_merged_refused"] = identification.merged_refused;
  }
  return result;
}

}  // namespace marginlab::benchmarks
