#pragma once
// The picture AdaFace argues with: how hard the loss pulls each sample towards its class centre, the target gradient
// |∂L/∂cos θ_y| (y), against the sample's angle to that centre θ (x, degrees), every point coloured by image quality
// (q in [0, 1] where the data source knows it, else the feature norm ‖z‖, AdaFace's proxy, and the colour bar says
// so). For high-quality images the hard (large θ) samples should get the large gradients. Memory: the latest
// snapshot's sample window (~2048 points), nothing older.
#include <QVector>

#include <vector>

#include "core/telemetry/telemetry.h"
#include "widgets/plot_widget.h"

class QCPColorScale;
class QCPGraph;

namespace marginlab::widgets {

class TargetGradientPlot : public PlotWidget {
  Q_OBJECT
 public:
  static constexpr int kLevels = 10;  // colour steps: one graph per step, plus one for samples of unknown quality

  explicit TargetGradientPlot(QWidget* parent = nullptr);
  void setSnapshot(const train::Snapshot& snapshot);
  void clear();

  // True when the colour is the data source's quality; false when it is the feature norm.
  bool colouredByQuality() const { return byQuality_; }
  QCPColorScale* colorScale() const { return colorScale_; }
  // The graph of a colour step (0 … kLevels−1), or of the samples without a colour value (kLevels).
  QCPGraph* levelGraph(int level) const { return graphs_[level]; }
  // Columns: theta (degrees), target gradient, and "quality q" or "feature norm" (blank where unknown).
  DataTable shownData() const override;

 protected:
  void redraw() override;

 private:
  struct Point {
    double theta_deg, grad, colour;  // colour NaN when unknown
  };
  std::vector<Point> points_;
  bool byQuality_ = true;
  bool hasSnapshot_ = false;
  QVector<QCPGraph*> graphs_;
  QCPColorScale* colorScale_;
};

}  // namespace marginlab::widgets
