// verify-heads: the authors' reference files pass; tampered, foreign and broken files fail with clear messages.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "devtools/verify/verify_heads.h"

namespace fs = std::filesystem;
using marginlab::verify::FileReport;
using marginlab::verify::Verdict;
using marginlab::verify::verify_reference_file;

// A named namespace: in a unity batch GCC warns of test classes derived from a fixture in an anonymous one.
namespace verify_heads_test {

const fs::path kReferenceDir{MARGINLAB_REFERENCE_DIR};

nlohmann::json read(const fs::path& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

fs::path write_temp(const std::string& name, const std::string& text) {
  const auto dir = fs::temp_directory_path() / ("marginlab_verify_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const auto path = dir / name;
  std::ofstream(path) << text;
  return path;
}

const marginlab::verify::CheckRow* find_row(const FileReport& report, const std::string& case_name,
                                            const std::string& quantity) {
  for (const auto& row : report.rows) {
    if (row.case_name == case_name && row.quantity == quantity) return &row;
  }
  return nullptr;
}

class ReferenceFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kReferenceDir / "adaface_ref.json")) GTEST_SKIP() << "no reference vectors at " << kReferenceDir;
  }
};

TEST_F(ReferenceFiles, EveryShippedFilePasses) {
  for (const auto& entry : fs::directory_iterator(kReferenceDir)) {
    if (entry.path().extension() != ".json") continue;
    const auto report = verify_reference_file(entry.path().string());
    EXPECT_TRUE(report.ok()) << marginlab::verify::format_report(report);
    EXPECT_GT(report.rows.size(), 10u) << entry.path();
  }
}

TEST_F(ReferenceFiles, BatchOfOneIsADocumentedDeviation) {
  const auto report = verify_reference_file((kReferenceDir / "adaface_ref.json").string());
  const auto* row = find_row(report, "batch_size_1_then_4_f32", "call0.batch_mean_after (B<2 skips the EMA update)");
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->verdict, Verdict::deviation_pass);
}

TEST_F(ReferenceFiles, TamperedLogitFails) {
  auto doc = read(kReferenceDir / "adaface_ref.json");
  auto& logit = doc["cases"]["train_default_f32"]["calls"][1]["logits"][2][3];
  logit = logit.get<double>() + 0.01;
  const auto report = verify_reference_file(write_temp("tampered.json", doc.dump()).string());
  EXPECT_FALSE(report.ok());
  const auto* row = find_row(report, "train_default_f32", "call1.logits");
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->verdict, Verdict::fail);
  EXPECT_NEAR(row->max_abs, 0.01, 1e-4);
  // Nothing else in the case was touched.
  EXPECT_EQ(find_row(report, "train_default_f32", "call1.grad_kernel")->verdict, Verdict::pass);
}

TEST_F(ReferenceFiles, TamperedKappaFails) {
  auto doc = read(kReferenceDir / "kappaface_ref.json");
  auto& kappa = doc["reference_paper_mode"]["momentum_encoder"][1]["kappa"][4];
  kappa = kappa.get<double>() * (1.0 + 1e-6);  // far above the float64 tolerance
  const auto report = verify_reference_file(write_temp("kappa.json", doc.dump()).string());
  const auto* row = find_row(report, "reference_paper_mode momentum_encoder", "epoch1 kappa");
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->verdict, Verdict::fail);
}

TEST_F(ReferenceFiles, LayoutComesFromContentNotName) {
  const auto text = read(kReferenceDir / "insightface_ref.json").dump();
  const auto report = verify_reference_file(write_temp("adaface_ref.json", text).string());
  EXPECT_EQ(report.layout, "insightface");
  EXPECT_TRUE(report.ok()) << marginlab::verify::format_report(report);
}

TEST_F(ReferenceFiles, SmallerCaseWithOtherSizesIsReadFromTheFile) {
  // A file holding a single, differently named case: cases and sizes are read, never assumed.
  auto doc = read(kReferenceDir / "adaface_ref.json");
  auto c = doc["cases"]["train_default_f64"];
  doc["cases"] = nlohmann::json::object({{"only_case", c}});
  const auto report = verify_reference_file(write_temp("subset.json", doc.dump()).string());
  EXPECT_TRUE(report.ok()) << marginlab::verify::format_report(report);
}

TEST_F(ReferenceFiles, MissingKeyNamesTheKey) {
  auto doc = read(kReferenceDir / "insightface_ref.json");
  doc["batches"][1].erase("cosine");
  const auto report = verify_reference_file(write_temp("missing.json", doc.dump()).string());
  EXPECT_FALSE(report.ok());
  EXPECT_NE(report.error.find("missing key 'cosine'"), std::string::npos) << report.error;
  EXPECT_NE(report.error.find("batch1"), std::string::npos) << report.error;
}

TEST(VerifyHeads, UnknownLayoutIsRejected) {
  const auto path = write_temp("foreign.json", R"({"hello": [1, 2, 3]})");
  const auto report = verify_reference_file(path.string());
  EXPECT_FALSE(report.ok());
  EXPECT_NE(report.error.find("not a reference file"), std::string::npos) << report.error;
  EXPECT_NE(report.error.find(path.string()), std::string::npos) << report.error;
}

TEST(VerifyHeads, InvalidJsonNamesTheByte) {
  const auto report = verify_reference_file(write_temp("broken.json", R"({"cases": [1, 2,)").string());
  EXPECT_FALSE(report.ok());
  EXPECT_NE(report.error.find("not valid JSON at byte"), std::string::npos) << report.error;
}

TEST(VerifyHeads, MissingFileIsAnError) {
  const auto report = verify_reference_file("/nonexistent/marginlab.json");
  EXPECT_FALSE(report.ok());
  EXPECT_NE(report.error.find("cannot open"), std::string::npos) << report.error;
}

}  // namespace verify_heads_test
