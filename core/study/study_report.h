#pragma once
// `marginlab-cli study report`: a study as Markdown in the style of docs/results.md — what was varied and how it was
// judged, the settings ranked by the metric's mean over seeds with 95% confidence intervals, the metric on every
// stratum of its set and the norm–quality correlation, each run's outcome, the early-stopping verdicts, and the
// figures the workbench exported beside it. Every number comes from the runs' own files. Torch-free.
#include <string>
#include <vector>

#include "core/study/study_directory.h"
#include "core/study/study_results.h"

namespace marginlab::study {

// `figures`: files under the study directory (relative paths) to show, with their captions.
struct ReportFigure {
  std::string file;
  std::string caption;
};

// figures/index.json, which the workbench writes with the figures it exports for the report:
//   [{"file": "figures/curves.png", "caption": "..."}, ...]
// Entries whose file is gone are left out; none when there is no index. InvalidFile when it is malformed.
std::vector<ReportFigure> read_report_figures(const StudyDirectory& study);
void write_report_figures(const StudyDirectory& study, const std::vector<ReportFigure>& figures);

std::string study_report_markdown(const StudyDirectory& study, const StudyResults& results,
                                  const std::vector<ReportFigure>& figures = {});

}  // namespace marginlab::study
