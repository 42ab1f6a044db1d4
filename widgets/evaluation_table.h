#pragma once
// The verification numbers papers report, one row per (set, quality stratum) of the latest validation of each set:
// pairs, k-fold accuracy ± std, AUC, EER and TAR at FAR 1e-1 … 1e-4 (a dash where the set has too few impostor pairs
// for that FAR). Sortable by any column. A line under the table says what the strata are made of and what was
// skipped (unreadable images, dropped pairs, strata too small for the folds).
#include <QString>
#include <QWidget>

#include <vector>

#include "core/telemetry/telemetry.h"
#include "widgets/plot_widget.h"

class QLabel;
class QTableWidget;

namespace marginlab::widgets {

class EvaluationTable : public QWidget {
  Q_OBJECT
 public:
  explicit EvaluationTable(QWidget* parent = nullptr);

  // Keeps the newest evaluation per set (highest step; at equal steps the later one), whether given one at a time or
  // as a whole history: see latest_evaluations.h.
  void setEvaluations(const std::vector<train::Evaluation>& evaluations);
  void clear();

  // The rows as shown (in the current sort order), numbers unformatted: percentages as numbers of percent,
  // unsupported TAR@FAR cells empty. For the CSV export.
  DataTable shownData() const;

  QTableWidget* table() const { return table_; }
  QLabel* notes() const { return notes_; }

 private:
  void rebuild();

  std::vector<train::Evaluation> evaluations_;  // one per set
  QTableWidget* table_;
  QLabel* notes_;
};

}  // namespace marginlab::widgets
