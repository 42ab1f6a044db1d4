// SynthFace: determinism, the long-tailed class sizes, quality that measurably degrades images, held-out
// verification pairs, validation, and that it is hard in the intended way (low-quality pairs separate worse).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/errors.h"
#include "engine/data/synthface.h"

namespace md = marginlab::data;
using marginlab::InvalidParameter;

namespace {

md::SynthFaceConfig small_config() {
  md::SynthFaceConfig config;
  config.identities = 40;
  config.max_images_per_identity = 20;
  config.imbalance_ratio = 5;
  config.verification_identities = 20;
  config.pairs_per_stratum = 60;
  return config;
}

double psnr(const md::ImageSample& a, const md::ImageSample& b) {
  double squared = 0;
  for (std::size_t i = 0; i < a.pixels.size(); ++i) {
    const double d = double(a.pixels[i]) - double(b.pixels[i]);
    squared += d * d;
  }
  const double mse = squared / static_cast<double>(a.pixels.size());
  return mse == 0 ? INFINITY : 10 * std::log10(255.0 * 255.0 / mse);
}

std::string message_of(const md::SynthFaceConfig& config) {
  try {
    config.validate();
  } catch (const InvalidParameter& e) {
    return e.what();
  }
  return "(accepted)";
}

// A cheap stand-in for a recogniser: the face's centre as a 16×16 grey thumbnail, zero mean and unit norm.
std::vector<double> thumbnail(const md::ImageSample& image) {
  constexpr int kSide = 16;
  const int crop = image.width / 2, start = image.width / 4, cell = crop / kSide;
  std::vector<double> feature(kSide * kSide, 0.0);
  for (int y = 0; y < kSide * cell; ++y) {
    for (int x = 0; x < kSide * cell; ++x) {
      const auto* p = &image.pixels[3 * ((start + y) * image.width + start + x)];
      feature[(y / cell) * kSide + x / cell] += p[0] + p[1] + p[2];
    }
  }
  double mean = 0, norm = 0;
  for (const double v : feature) mean += v / feature.size();
  for (auto& v : feature) norm += (v - mean) * (v - mean);
  for (auto& v : feature) v = (v - mean) / std::sqrt(norm + 1e-9);
  return feature;
}

// Area under the ROC curve of genuine against impostor similarities: the chance that a genuine pair scores higher.
double auc(const std::vector<double>& genuine, const std::vector<double>& impostor) {
  double wins = 0;
  for (const double g : genuine) {
    for (const double i : impostor) wins += g > i ? 1.0 : g == i ? 0.5 : 0.0;
  }
  return wins / (static_cast<double>(genuine.size()) * impostor.size());
}

}  // namespace

TEST(SynthFace, SameSeedAndIndexGiveIdenticalPixelsAnotherSeedDoesNot) {
  const md::SynthFace a(small_config()), b(small_config());
  auto other_config = small_config();
  other_config.seed = 2;
  const md::SynthFace other(other_config);
  for (const std::int64_t index : {0L, 7L, a.size() - 1}) {
    const auto first = a.load(index), again = a.load(index), twin = b.load(index);
    EXPECT_EQ(first.pixels, again.pixels);
    EXPECT_EQ(first.pixels, twin.pixels);
    EXPECT_EQ(first.quality, twin.quality);
    EXPECT_NE(first.pixels, other.load(index).pixels);
    EXPECT_EQ(first.height, 112);
    EXPECT_EQ(first.pixels.size(), 112u * 112u * 3u);
  }
}

TEST(SynthFace, LoadsFromSeveralThreadsAsFromOne) {
  const md::SynthFace source(small_config());
  std::vector<std::vector<std::uint8_t>> sequential, parallel(16);
  for (int i = 0; i < 16; ++i) sequential.push_back(source.load(i).pixels);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < 16; i += 4) parallel[i] = source.load(i).pixels;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(sequential, parallel);
}

TEST(SynthFace, ClassSizesFollowThePowerLawBetweenTheImbalanceBounds) {
  md::SynthFaceConfig config;
  config.identities = 300;
  config.max_images_per_identity = 80;
  config.imbalance_ratio = 16;
  const md::SynthFace source(config);
  auto counts = source.class_counts();
  ASSERT_EQ(counts.size(), 300u);
  std::sort(counts.rbegin(), counts.rend());
  EXPECT_EQ(counts.front(), 80);
  EXPECT_EQ(counts.back(), 5);  // 80 / 16
  const double alpha = std::log(16.0) / std::log(300.0);
  for (std::size_t r = 0; r < counts.size(); ++r) {
    EXPECT_NEAR(counts[r], 80 * std::pow(r + 1.0, -alpha), 0.5 + 1e-9) << "rank " << r + 1;
  }
  std::int64_t total = 0;
  for (const auto c : counts) total += c;
  EXPECT_EQ(source.size(), total);
  // Labels agree with the counts, and sizes are spread over the ids rather than sorted by them.
  std::vector<std::int64_t> seen(300, 0);
  for (std::int64_t i = 0; i < source.size(); ++i) ++seen[static_cast<std::size_t>(source.label(i))];
  EXPECT_EQ(seen, source.class_counts());
  EXPECT_FALSE(std::is_sorted(seen.rbegin(), seen.rend()));
}

TEST(SynthFace, QualityMixtureHasTheConfiguredLowFraction) {
  auto config = small_config();
  config.low_quality_fraction = 0.25;
  const md::SynthFace source(config);
  int low = 0, count = 0;
  for (std::int64_t i = 0; i < source.size(); i += 1) {
    const auto q = source.load(i).quality;
    ASSERT_GE(q, 0.0f);
    ASSERT_LE(q, 1.0f);
    low += q < 0.5f;
    ++count;
  }
  EXPECT_NEAR(double(low) / count, 0.25, 0.07) << count << " images";
}

TEST(SynthFace, LowerQualityDegradesTheSameImageMore) {
  const md::SynthFace source(small_config());
  const std::vector<double> qualities{1.0, 0.8, 0.6, 0.4, 0.2, 0.0};
  std::vector<double> mean_psnr(qualities.size(), 0.0);
  constexpr int kImages = 8;
  for (int image = 0; image < kImages; ++image) {
    const auto clean = source.render(image, image, 1.0);
    for (std::size_t j = 0; j < qualities.size(); ++j) {
      const auto degraded = source.render(image, image, qualities[j]);
      EXPECT_FLOAT_EQ(degraded.quality, qualities[j]);
      mean_psnr[j] += std::min(60.0, psnr(clean, degraded)) / kImages;
    }
  }
  EXPECT_EQ(mean_psnr[0], 60.0);  // q = 1 is the clean render itself
  for (std::size_t j = 1; j < qualities.size(); ++j) {
    EXPECT_LT(mean_psnr[j], mean_psnr[j - 1] - 0.5) << "q = " << qualities[j];
  }
  EXPECT_LT(mean_psnr.back(), 20.0);
  // load() is render() at the image's own quality.
  const auto loaded = source.load(3);
  EXPECT_EQ(loaded.pixels, source.render(source.label(3), source.sample_within_identity(3), loaded.quality).pixels);
}

TEST(SynthFace, VerificationPairsComeFromHeldOutIdentitiesStratifiedByQuality) {
  const auto config = small_config();
  const md::SynthFace source(config);
  const auto images = source.verification_images();
  const auto& pairs = source.verification_pairs();
  ASSERT_EQ(pairs.size(), 3u * 60u);
  EXPECT_EQ(images->num_classes(), config.identities + config.verification_identities);
  std::map<md::PairStratum, int> genuine, total;
  int related = 0;
  for (const auto& pair : pairs) {
    const auto first = images->load(pair.first), second = images->load(pair.second);
    ASSERT_NE(pair.first, pair.second);
    for (const auto* image : {&first, &second}) {
      EXPECT_GE(image->label, config.identities);  // held out: no training label
      EXPECT_LT(image->label, config.identities + config.verification_identities);
    }
    EXPECT_EQ(pair.same, first.label == second.label);
    const bool first_high = pair.stratum != md::PairStratum::low_low;
    const bool second_high = pair.stratum == md::PairStratum::high_high;
    for (const auto& [image, high] : {std::pair{&first, first_high}, std::pair{&second, second_high}}) {
      if (high) EXPECT_GE(image->quality, md::SynthFace::kHighQualityMin);
      else EXPECT_LE(image->quality, md::SynthFace::kLowQualityMax);
    }
    const auto family = [&](std::int64_t label) { return (label - config.identities) / config.family_size; };
    EXPECT_EQ(pair.related, !pair.same && family(first.label) == family(second.label));
    genuine[pair.stratum] += pair.same;
    ++total[pair.stratum];
    related += pair.related;
  }
  for (const auto stratum : {md::PairStratum::high_high, md::PairStratum::high_low, md::PairStratum::low_low}) {
    EXPECT_EQ(total[stratum], 60) << md::stratum_name(stratum);
    EXPECT_EQ(genuine[stratum], 30) << md::stratum_name(stratum);
  }
  EXPECT_GT(related, 30);  // about half of the 90 impostors are near-twins
  // The same pairs every time.
  const md::SynthFace again(config);
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    EXPECT_EQ(pairs[i].first, again.verification_pairs()[i].first);
    EXPECT_EQ(pairs[i].second, again.verification_pairs()[i].second);
  }
}

TEST(SynthFace, LowQualityPairsSeparateWorseThanHighQualityOnes) {
  auto config = small_config();
  config.verification_identities = 60;
  config.pairs_per_stratum = 400;
  const md::SynthFace source(config);
  const auto images = source.verification_images();
  std::vector<std::vector<double>> features(static_cast<std::size_t>(images->size()));
  for (std::int64_t i = 0; i < images->size(); ++i) features[i] = thumbnail(images->load(i));
  std::map<md::PairStratum, std::vector<double>> genuine, impostor;
  for (const auto& pair : source.verification_pairs()) {
    double similarity = 0;
    for (std::size_t d = 0; d < features[pair.first].size(); ++d) {
      similarity += features[pair.first][d] * features[pair.second][d];
    }
    (pair.same ? genuine : impostor)[pair.stratum].push_back(similarity);
  }
  const double high = auc(genuine[md::PairStratum::high_high], impostor[md::PairStratum::high_high]);
  const double mixed = auc(genuine[md::PairStratum::high_low], impostor[md::PairStratum::high_low]);
  const double low = auc(genuine[md::PairStratum::low_low], impostor[md::PairStratum::low_low]);
  std::printf("thumbnail-similarity AUC: high-high %.3f, high-low %.3f, low-low %.3f\n", high, mixed, low);
  EXPECT_GT(high, low + 0.05);
  EXPECT_GT(high, mixed);
  EXPECT_LT(high, 0.95);  // not trivially separable in pixel space
}

TEST(SynthFace, InvalidConfigsNameTheKeyAndTheValue) {
  auto with = [](auto change) {
    auto config = small_config();
    change(config);
    return message_of(config);
  };
  EXPECT_EQ(message_of(small_config()), "(accepted)");
  EXPECT_NE(with([](auto& c) { c.identities = 1; }).find("identities = 1"), std::string::npos);
  EXPECT_NE(with([](auto& c) { c.imbalance_ratio = 0.5; }).find("imbalance_ratio = 0.5"), std::string::npos);
  EXPECT_NE(with([](auto& c) { c.imbalance_ratio = 50; }).find("imbalance_ratio = 50"), std::string::npos);
  EXPECT_NE(with([](auto& c) { c.low_quality_fraction = 1.5; }).find("low_quality_fraction = 1.5"), std::string::npos);
  EXPECT_NE(with([](auto& c) { c.identity_spread = 0; }).find("identity_spread = 0"), std::string::npos);
  EXPECT_NE(with([](auto& c) { c.image_size = 8; }).find("image_size = 8"), std::string::npos);
  EXPECT_NE(with([](auto& c) { c.family_size = 0; }).find("family_size = 0"), std::string::npos);
  EXPECT_NE(with([](auto& c) { c.pairs_per_stratum = 1; }).find("pairs_per_stratum = 1"), std::string::npos);
  EXPECT_NE(with([](auto& c) { c.max_images_per_identity = 0; }).find("max_images_per_identity = 0"),
            std::string::npos);
  auto bad = small_config();
  bad.verification_identities = 1;
  EXPECT_THROW(md::SynthFace{bad}, InvalidParameter);
}
