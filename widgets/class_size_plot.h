#pragma once
// How unbalanced the training set is: the distribution of images per class as a histogram with log-spaced bins on a
// log axis, drawn as a density per decade of size so that the bins of whole images at small sizes do not stand out (web-crawled face sets span two to three decades), with the number of classes, the size range, the
// median and the imbalance ratio max/min above the plot. Memory: one count per bin (about 30), nothing per class.
#include <QVector>

#include <cstdint>
#include <vector>

#include "core/telemetry/telemetry.h"
#include "widgets/plot_widget.h"

class QCPGraph;
class QCPTextElement;

namespace marginlab::widgets {

class ClassSizePlot : public PlotWidget {
  Q_OBJECT
 public:
  static constexpr int kTargetBins = 30;

  explicit ClassSizePlot(QWidget* parent = nullptr);
  // Takes Snapshot::class_count (KappaFace's counts where that is empty). The sizes of a dataset do not change
  // during a run: an identical set of counts costs one comparison.
  void setSnapshot(const train::Snapshot& snapshot);
  void setClassCounts(const std::vector<std::int64_t>& counts);
  void clear();

  // Columns: images_lo, images_hi (both inclusive), classes, classes per decade (the height drawn: classes divided
  // by the bin's width in decades, log10(edge_hi / edge_lo), with edge_hi = images_hi + 1).
  DataTable shownData() const override;
  // The line above the plot: classes, size range, median, imbalance ratio.
  QString summary() const;
  double imbalance() const { return max_ > 0 && min_ > 0 ? static_cast<double>(max_) / min_ : 0.0; }

 protected:
  void redraw() override;

 private:
  double density(std::size_t bin) const;

  std::vector<std::int64_t> lastCounts_;  // to skip identical updates (one per class, the dataset's size)
  std::vector<std::int64_t> edges_;        // bin i holds sizes in [edges_[i], edges_[i+1])
  std::vector<std::int64_t> bins_;
  std::int64_t classes_ = 0, emptyClasses_ = 0, min_ = 0, max_ = 0;
  double median_ = 0;
  bool hasData_ = false;
  QCPGraph* graph_;
  QCPTextElement* summary_;
};

}  // namespace marginlab::widgets
