#pragma once
// A study's runs, one row each: the values of the keys the study varies, the seed, how the run ended (finished,
// stopped early and why, running, failed), its step, the ranking metric, the same measure on every set and quality
// stratum it was evaluated on (the closed set's accuracy per class-size third), and each verification set's
// norm–quality ρ. Sortable; plain values in, no files read here.
#include <QWidget>

#include "core/study/study_results.h"
#include "widgets/plot_widget.h"

class QTableWidget;

namespace marginlab::widgets {

class StudyRunsTable : public QWidget {
  Q_OBJECT
 public:
  explicit StudyRunsTable(QWidget* parent = nullptr);

  void setStudy(const study::StudyConfig& config, const study::StudyResults& results);
  QTableWidget* table() const { return table_; }
  // The rows as shown (sorted as shown), numbers as numbers, for the CSV export.
  DataTable shownData() const;

 private:
  QTableWidget* table_;
};

}  // namespace marginlab::widgets
