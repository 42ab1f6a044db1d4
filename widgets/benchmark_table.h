#pragma once
// The papers' benchmark tables for the open runs: IJB-B/C TAR at FAR 1e-6 … 1e-1 per N/D/F mode (insightface's
// read-out), IJB 1:N and TinyFace ranks, each run's newest result per benchmark, and below them, in italics, the
// published numbers of the same backbone depth and training set (core/benchmarks/benchmark_rows.h). Sortable; a
// row's tooltip says where its numbers come from.
#include <QWidget>

#include <vector>

#include "core/benchmarks/benchmark_rows.h"
#include "widgets/plot_widget.h"

class QLabel;
class QTableWidget;

namespace marginlab::widgets {

class BenchmarkTable : public QWidget {
  Q_OBJECT
 public:
  explicit BenchmarkTable(QWidget* parent = nullptr);

  void setRuns(const std::vector<benchmarks::RunBenchmarks>& runs);

  // The rows as shown, numbers in percent, empty cells where a row has no such number. For the CSV export.
  DataTable shownData() const;
  QTableWidget* table() const { return table_; }

 private:
  QTableWidget* table_;
  QLabel* notes_;
};

}  // namespace marginlab::widgets
