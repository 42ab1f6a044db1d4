#pragma once
// The feature-norm distribution over the run (one NormBand per report): p05–p95 and p25–p75 as filled bands, the
// median as a line, and AdaFace's EMA μ with μ ± σ (dashed) where the head keeps them. x = optimiser step.
#include <QString>

#include <cstdint>
#include <vector>

#include "core/telemetry/telemetry.h"
#include "widgets/plot_widget.h"

class QCPGraph;

namespace marginlab::widgets {

class NormBandsPlot : public PlotWidget {
  Q_OBJECT
 public:
  explicit NormBandsPlot(QWidget* parent = nullptr);

  // Copies Snapshot::norm_history (at most kMaxBands bands: a longer history is thinned evenly, newest kept).
  void setSnapshot(const train::Snapshot& snapshot);
  static constexpr std::size_t kMaxBands = 4096;

  // One row per band: step, p05, p25, median, p75, p95, ema_mean, ema_mean_minus_std, ema_mean_plus_std (the EMA
  // cells are empty where the head keeps no EMA, or when no band has one).
  DataTable shownData() const override;

 protected:
  void redraw() override;

 private:
  bool hasSnapshot_ = false;
  bool hasEma_ = false;
  std::vector<train::NormBand> bands_;

  QCPGraph* p05_;
  QCPGraph* p95_;
  QCPGraph* p25_;
  QCPGraph* p75_;
  QCPGraph* median_;
  QCPGraph* emaMean_;
  QCPGraph* emaLower_;
  QCPGraph* emaUpper_;
};

}  // namespace marginlab::widgets
