#pragma once
// KappaFace's per-class picture: the vMF concentration κ̂ of every class against its size n_c (log axis), each point
// coloured by the margin m0·ψ_c the class gets, so that "rare and diffuse classes get larger margins" shows as colour
// running from the top right (large, concentrated: small margin) to the bottom left. Clicking a point selects that
// class. Memory: one point per class of the latest snapshot (bounded by the dataset's class count), nothing kept
// across snapshots.
#include <QVector>

#include <vector>

#include "core/telemetry/telemetry.h"
#include "widgets/plot_widget.h"

class QCPColorScale;
class QCPGraph;
class QCPItemText;
class QCPItemTracer;

namespace marginlab::widgets {

class KappaSizePlot : public PlotWidget {
  Q_OBJECT
 public:
  explicit KappaSizePlot(QWidget* parent = nullptr);

  // Takes the per-class statistics of the snapshot (copies n_c, κ̂, margin; the snapshot is not kept).
  void setSnapshot(const train::Snapshot& snapshot);
  // Back to the "waiting for the first snapshot" state.
  void clear();
  // Highlights a class without emitting classClicked (for selections made elsewhere); −1 clears.
  void setSelectedClass(qint64 classId);
  qint64 selectedClass() const { return selected_; }
  // The class whose point is nearest to `pixel` (within 10 px), or −1.
  qint64 classAtPixel(QPointF pixel) const;

  // Columns: class, n (images), kappa, margin (rad): one row per drawn point, in class order.
  DataTable shownData() const override;
  // How many classes were left out because κ̂ is not estimable there (n_c < 2 or κ̂ not finite).
  int omittedClasses() const { return omitted_; }
  // The colour bar (its data range is the margin range of the drawn points).
  QCPColorScale* colorScale() const { return colorScale_; }

 Q_SIGNALS:
  void classClicked(qint64 classId);

 protected:
  void redraw() override;
  void plotClicked(QPointF pixel) override;

 private:
  struct Point {
    qint64 id;
    double n, kappa, margin;
  };
  const Point* findPoint(qint64 classId) const;

  static constexpr int kLevels = 12;  // colour steps: one graph per step
  std::vector<Point> points_;         // sorted by class id
  int omitted_ = 0;
  qint64 selected_ = -1;
  QVector<QCPGraph*> levelGraphs_;
  QCPGraph* highlight_ = nullptr;
  QCPItemTracer* selectionAnchor_ = nullptr;
  QCPItemText* selectionLabel_ = nullptr;
  QCPItemText* noteItem_ = nullptr;
  QCPColorScale* colorScale_ = nullptr;
};

}  // namespace marginlab::widgets
