#pragma once
// Replays reference files in the layouts of ../shared/reference (AdaFace, insightface, CurricularFace/MagFace,
// KappaFace) through MarginLab's heads and compares every quantity they hold. The layout is recognised from the
// content, never from the file name; sizes, seeds and settings are read from the file.
#include <string>
#include <vector>

namespace marginlab::verify {

enum class Verdict {
  pass,
  fail,
  deviation_pass,  // MarginLab deliberately differs (margins.md "Decisions"); our documented behaviour holds
  deviation_fail,  // ... and it does not
};

struct CheckRow {
  std::string case_name;
  std::string quantity;
  double max_abs = 0.0;
  double max_rel = 0.0;
  Verdict verdict = Verdict::pass;
  std::string note;
};

struct FileReport {
  std::string path;
  std::string layout;  // "adaface", "insightface", "baselines", "kappaface"
  std::vector<CheckRow> rows;
  std::string error;  // set when the file could not be replayed at all
  bool ok() const;
};

// Never throws for a bad file: the error lands in the report.
FileReport verify_reference_file(const std::string& path);

// The table the CLI prints: case, quantity, max abs error, max rel error, verdict.
std::string format_report(const FileReport& report);

}  // namespace marginlab::verify
