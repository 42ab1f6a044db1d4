#pragma once
// The open runs side by side: one row per run with its state, head and backbone, the experiment keys whose values
// differ between the open runs (what was varied), the last and best verification accuracy of each validation set and
// quality stratum, and the norm–quality ρ. Sortable; a check box per row overlays the run's training curves, a
// double-click shows the run in every plot. Plain values in, no run files read here.
#include <QString>
#include <QStringList>
#include <QWidget>

#include <map>
#include <vector>

#include "core/run/run_comparison.h"
#include "widgets/plot_widget.h"

class QTableWidget;

namespace marginlab::widgets {

struct RunRow {
  QString directory;  // identifies the row
  QString name;
  QString state;  // "live", "paused", "finished", "stalled: ...", ...
  QString head;
  QString backbone;
  std::map<std::string, std::string> values;  // the experiment flattened (train::flatten_experiment)
  train::VerificationSummary verification;
  bool shown = false;     // the run the plots show
  bool overlaid = false;  // its curves drawn beside the shown run's
};

class RunsTable : public QWidget {
  Q_OBJECT
 public:
  explicit RunsTable(QWidget* parent = nullptr);

  // The rows, with the differing keys as columns (train::differing_keys) and a last/best pair per set and stratum.
  void setRuns(const std::vector<RunRow>& runs, const std::vector<std::string>& differingKeys);
  QTableWidget* table() const { return table_; }
  // The table as shown, for the CSV export.
  DataTable shownData() const;

 Q_SIGNALS:
  void showRequested(const QString& directory);
  void overlayToggled(const QString& directory, bool overlaid);
  void removeRequested(const QString& directory);

 private:
  QTableWidget* table_;
  bool filling_ = false;
};

}  // namespace marginlab::widgets
