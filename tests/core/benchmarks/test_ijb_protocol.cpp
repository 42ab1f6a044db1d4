// IJB-B / IJB-C from the fixture's embeddings against the numbers insightface's and AdaFace's functions print on them
// (docs/benchmarks.md §5.2): the read-out exactly, scores to 1e-6, TARs within one genuine pair, ranks within one
// probe.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>

#include "core/benchmarks/embedding_table.h"
#include "core/benchmarks/ijb_meta.h"
#include "core/benchmarks/ijb_protocol.h"
#include "core/benchmarks/text_table.h"
#include "core/errors.h"
#include "tests/core/benchmarks/benchmark_fixture.h"

namespace marginlab::benchmarks {
namespace {

using test_support::benchmark_fixture;
using test_support::benchmark_reference;

IjbFeatures fixture_features(const IjbLayout& layout, const IjbImages& images) {
  const auto plain = read_embedding_table(layout.folder / "embeddings.txt");
  const auto flipped = read_embedding_table(layout.folder / "embeddings_flip.txt");
  IjbFeatures features{plain.dim, {}, {}};
  for (const auto& name : images.names) {
    features.plain.insert(features.plain.end(), plain.data(plain.row(name)), plain.data(plain.row(name)) + plain.dim);
    features.flipped.insert(features.flipped.end(), flipped.data(flipped.row(name)),
                            flipped.data(flipped.row(name)) + flipped.dim);
  }
  return features;
}

TEST(IjbReadout, ReproducesEvalIjbcExactlyOnTiedScores) {
  TextTable table(benchmark_fixture() / "readout/scores_labels.txt", FieldSeparator::blanks);
  std::vector<double> scores;
  std::vector<std::uint8_t> labels;
  while (table.next()) {
    scores.push_back(table.real(0, "score"));
    labels.push_back(static_cast<std::uint8_t>(table.integer(1, "label")));
  }
  const auto roc = eval::roc_curve(std::span<const double>(scores), labels);
  const auto& reference = benchmark_reference()["readout"];
  const auto tars = eval::nearest_tar_at_far(roc);
  const auto strict = eval::tar_at_far(roc, eval::kIjbFarTargets);
  int differs_from_strict = 0;
  for (std::size_t t = 0; t < tars.size(); ++t) {
    const auto key = rate_key(tars[t].far_target);
    EXPECT_EQ(tars[t].true_accept_rate, reference["tar"][key].get<double>()) << "FAR " << key;
    EXPECT_EQ(fmt::format("{:.2f}", tars[t].true_accept_rate * 100), reference["tar_printed"][t].get<std::string>());
    differs_from_strict += tars[t].true_accept_rate != strict[t].true_accept_rate;
  }
  EXPECT_GT(differs_from_strict, 0) << "the fixture is made so that the two read-outs disagree";
  EXPECT_NEAR(eval::roc_auc(roc), reference["auc"].get<double>(), 1e-12);
}

struct IjbCase {
  IjbTarget target;
  IjbLayout layout;
  IjbImages images;
  IjbPairs pairs;
  IjbFeatures features;
};

IjbCase load_case(IjbTarget target) {
  auto layout = find_ijb_layout(benchmark_fixture(), target);
  auto images = read_ijb_images(layout);
  auto pairs = read_ijb_pairs(layout.template_pair_label());
  auto features = fixture_features(layout, images);
  return {target, std::move(layout), std::move(images), std::move(pairs), std::move(features)};
}

class IjbTargets : public ::testing::TestWithParam<IjbTarget> {};

TEST_P(IjbTargets, EveryModeMatchesTheAuthorsVerification) {
  const auto ijb = load_case(GetParam());
  const auto& reference = benchmark_reference()[std::string(ijb_name(ijb.target))];
  EXPECT_EQ(static_cast<std::int64_t>(ijb.images.size()), reference["counts"]["images"].get<std::int64_t>());
  EXPECT_EQ(static_cast<std::int64_t>(ijb.pairs.size()), reference["counts"]["pairs"].get<std::int64_t>());
  const auto genuine = reference["counts"]["genuine"].get<double>();
  int cells = 0, identical = 0;
  for (const auto mode : all_ijb_modes()) {
    SCOPED_TRACE(mode.name());
    const auto& expected = reference["1to1"][mode.name()];
    const auto vectors = ijb_image_vectors(ijb.features, ijb.images.faceness, mode);
    const auto templates = pool_ijb_templates(ijb.images, vectors, ijb.features.dim);
    EXPECT_EQ(static_cast<std::int64_t>(templates.ids.size()), reference["counts"]["templates"].get<std::int64_t>());
    // The first template's pooled vector: pooling, not only its outcome.
    const auto first = templates.index_of(expected["template_first"]["id"].get<std::int64_t>());
    ASSERT_TRUE(first);
    for (std::size_t k = 0; k < expected["template_first"]["feat"].size(); ++k) {
      EXPECT_NEAR(templates.row(*first)[k], expected["template_first"]["feat"][k].get<double>(), 1e-6);
    }
    const auto result =
        verify_ijb(ijb.target, ijb.images, templates, ijb.pairs, ijb.layout.template_pair_label(), mode);
    EXPECT_EQ(result.genuine, reference["counts"]["genuine"].get<std::int64_t>());
    for (std::size_t k = 0; k < 5; ++k)
      EXPECT_NEAR(result.score_first5[k], expected["score_first5"][k].get<double>(), 1e-6);
    EXPECT_NEAR(result.score_sum, expected["score_sum"].get<double>(), 1e-6 * static_cast<double>(result.pairs));
    for (const auto& tar : result.tar) {
      const double want = expected["tar"][rate_key(tar.far_target)].get<double>();
      EXPECT_LE(std::abs(tar.true_accept_rate - want), 1.0 / genuine + 1e-12) << "FAR " << tar.far_target;
      ++cells;
      identical += tar.true_accept_rate == want;
    }
    EXPECT_NEAR(result.auc, expected["auc"].get<double>(), 1e-4);
  }
  // Normally every cell is identical (docs/benchmarks.md §5.2); a near-tie in the scores may move one by a pair.
  EXPECT_GE(identical, cells - 2) << identical << " of " << cells << " TAR cells identical";
  std::cout << identical << " of " << cells << " TAR cells identical to the reference\n";
}

TEST_P(IjbTargets, IdentificationMatchesBothProtocols) {
  const auto ijb = load_case(GetParam());
  const auto& reference = benchmark_reference()[std::string(ijb_name(ijb.target))];
  const auto gallery_names = ijb.layout.gallery_names();
  const auto gallery_files = ijb.layout.galleries();
  for (const auto mode : {kInsightfaceIjbMode, kAdaFaceIjbMode}) {
    SCOPED_TRACE(mode.name());
    const auto vectors = ijb_image_vectors(ijb.features, ijb.images.faceness, mode);
    const auto templates = pool_ijb_templates(ijb.images, vectors, ijb.features.dim);
    const std::array<IjbSearchSet, 2> galleries{
        ijb_search_set(gallery_names[0], read_ijb_search_list(gallery_files[0]), templates),
        ijb_search_set(gallery_names[1], read_ijb_search_list(gallery_files[1]), templates)};
    const auto probes = ijb_search_set("probe", read_ijb_search_list(ijb.layout.probe_mixed()), templates);
    const auto result = identify_ijb(ijb.target, templates, galleries, probes, mode);

    const auto& merged = reference["1N_merged"][mode.name()];
    ASSERT_TRUE(result.merged) << result.merged_refused;
    const double probe_count = merged["probe_templates"].get<double>();
    EXPECT_EQ(result.merged->probe_templates, merged["probe_templates"].get<std::int64_t>());
    EXPECT_EQ(result.merged->gallery_templates, merged["gallery_templates"].get<std::int64_t>());
    const std::array<const char*, 3> tops{"top1", "top5", "top10"};
    for (std::size_t r = 0; r < 3; ++r) {
      EXPECT_LE(std::abs(result.merged->top[r] - merged["top"][tops[r]].get<double>()), 1 / probe_count + 1e-9);
    }
    EXPECT_LE(std::abs(result.merged->far_pr[0] - merged["far_pr"]["0.0100000000"].get<double>()),
              1 / probe_count + 1e-9);
    EXPECT_LE(std::abs(result.merged->far_pr[1] - merged["far_pr"]["0.1000000000"].get<double>()),
              1 / probe_count + 1e-9);

    // ijb_evals.py's separate galleries ran with its defaults, insightface's N1D1F1.
    if (mode != kInsightfaceIjbMode) continue;
    const auto& separate = reference["1N_separate"];
    for (const auto& gallery : result.galleries) {
      const auto& expected = separate["gallery_" + gallery.gallery];
      EXPECT_LE(std::abs(gallery.top_counts[0] - expected["top1_count"].get<std::int64_t>()), 1);
      EXPECT_LE(std::abs(gallery.top_counts[1] - expected["top5_count"].get<std::int64_t>()), 1);
      EXPECT_LE(std::abs(gallery.top_counts[2] - expected["top10_count"].get<std::int64_t>()), 1);
      for (std::size_t f = 0; f < kIjbFpirTargets.size(); ++f) {
        EXPECT_LE(std::abs(gallery.tpir[f] - expected["tpir"][rate_key(kIjbFpirTargets[f])].get<double>()),
                  1.0 / static_cast<double>(gallery.mated) + 1e-9)
            << gallery.gallery << " FPIR " << kIjbFpirTargets[f];
      }
    }
    EXPECT_LE(std::abs(result.mean_top[0] - separate["mean_top1"].get<double>()), 1 / probe_count + 1e-9);
    for (std::size_t f = 0; f < kIjbFpirTargets.size(); ++f) {
      const double one_probe = (1.0 / result.galleries[0].mated + 1.0 / result.galleries[1].mated) / 2;
      EXPECT_NEAR(result.mean_tpir[f], separate["mean_tpir"][rate_key(kIjbFpirTargets[f])].get<double>(),
                  one_probe + 1e-9);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Fixture, IjbTargets, ::testing::Values(IjbTarget::ijbc, IjbTarget::ijbb),
                         [](const auto& info) { return std::string(ijb_name(info.param)); });

TEST(IjbModes, ParseAndName) {
  ASSERT_TRUE(ijb_mode_from_string("n1d0f1"));
  EXPECT_EQ(*ijb_mode_from_string("n1d0f1"), kAdaFaceIjbMode);
  EXPECT_EQ(kInsightfaceIjbMode.name(), "N1D1F1");
  EXPECT_FALSE(ijb_mode_from_string("N1D2F1"));
  EXPECT_FALSE(ijb_mode_from_string("N1D1"));
  EXPECT_EQ(all_ijb_modes().size(), 8u);
}

TEST(IjbModes, FlipWithoutMirroredEmbeddingsIsRefused) {
  IjbFeatures features{2, {1, 0, 0, 1}, {}};
  const std::vector<float> faceness{1, 1};
  EXPECT_THROW(ijb_image_vectors(features, faceness, kInsightfaceIjbMode), InvalidParameter);
  EXPECT_EQ(ijb_image_vectors(features, faceness, {true, true, false}).size(), 4u);
}

}  // namespace
}  // namespace marginlab::benchmarks
