#pragma once
// Applied margin against feature norm, one point per recent labelled sample, easy and hard coloured apart: shows how
// (and whether) the head makes its margin depend on the norm. Heads with a constant margin draw a horizontal line.
#include <QString>

#include <cstdint>
#include <vector>

#include "core/telemetry/telemetry.h"
#include "widgets/plot_widget.h"

class QCPGraph;

namespace marginlab::widgets {

class MarginNormPlot : public PlotWidget {
  Q_OBJECT
 public:
  explicit MarginNormPlot(QWidget* parent = nullptr);

  // Copies norm, margin and hardness of the labelled samples (at most kMaxSamples, newest) and the margin unit.
  void setSnapshot(const train::Snapshot& snapshot);
  static constexpr std::size_t kMaxSamples = 65536;

  // Rows: series ("easy", "hard"), norm, margin (the column named with the unit, e.g. "margin (rad)").
  DataTable shownData() const override;

 protected:
  void redraw() override;

 private:
  struct Point {
    float norm;
    float margin;
  };
  QString emptyReason() const;

  bool hasSnapshot_ = false;
  QString unit_;
  std::vector<Point> easy_, hard_;

  QCPGraph* easyGraph_;
  QCPGraph* hardGraph_;
};

}  // namespace marginlab::widgets
