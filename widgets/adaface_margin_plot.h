#pragma once
// AdaFace's two margin functions for the current m and h, against the feature norm: g_angular = −m·ẑ (added to θ,
// rad) and g_additive = m(1 + ẑ) (subtracted from cos θ), with ẑ = clip((‖z‖ − μ)·h/(σ + eps), −1, 1) and μ, σ the
// EMA norm statistics. m sets the heights, h the width of the transition around μ, so a slider move on either
// visibly reshapes the curves. The recent samples' applied (norm, g) values are overlaid as faint dots (they carry
// the m and h the engine used, so pending changes show as curves moving away from the dots). A top axis marks ẑ.
// Without known μ, σ the curves are drawn against ẑ ∈ [−1, 1] instead (the axis label says so).
#include <QString>

#include <limits>
#include <vector>

#include "core/telemetry/telemetry.h"
#include "widgets/plot_widget.h"

class QCPGraph;
class QCPTextElement;

namespace marginlab::widgets {

class AdaFaceMarginPlot : public PlotWidget {
  Q_OBJECT
 public:
  explicit AdaFaceMarginPlot(QWidget* parent = nullptr);

  // Copies the head kind, m, h and eps from the head parameters (m and h only until setParameters is called) and the
  // labelled samples' norm, ẑ, g_angular, g_additive (at most kMaxSamples, newest). A snapshot without ẑ (a head
  // without a quality-adaptive margin) shows an empty state naming the head.
  void setSnapshot(const train::Snapshot& snapshot);
  static constexpr std::size_t kMaxSamples = 65536;
  // The m and h to draw; redraws at once (the live hyperparameter panel calls it on every slider move). From the
  // first call on, these win over the snapshot's head parameters.
  void setParameters(double m, double h);
  // AdaFace's EMA norm mean and std; NaN = unknown (then the newest norm_history band's EMA is used if it has one,
  // else the curves are drawn against ẑ).
  void setNormStatistics(double mean, double std);

  double m() const { return m_; }
  double h() const { return h_; }
  // True when the x axis is the feature norm (μ, σ known), false when it falls back to ẑ.
  bool plotsAgainstNorm() const;
  // The curves' values at a feature norm (or at ẑ when plotsAgainstNorm() is false); NaN without curves.
  double gAngularAt(double x) const;
  double gAdditiveAt(double x) const;

  // Rows: series ("g_angular", "g_additive", "samples g_angular", "samples g_additive"), norm, z_hat, value; the
  // curves' rows are their polyline vertices (exact: the curves are piecewise linear); norm is empty against ẑ.
  DataTable shownData() const override;

 protected:
  void redraw() override;

 private:
  struct Sample {
    float norm, z_hat, g_angular, g_additive;
  };
  struct Vertex {
    double norm, z_hat, g_angular, g_additive;
  };
  struct Model {
    QString empty;
    bool byNorm = false;
    double mean = 0, std = 0;
    double xLo = 0, xHi = 1;
    std::vector<Vertex> curve;
  };
  Model model() const;
  double zHat(double norm, double mean, double std) const;
  double curveValue(double x, bool angular) const;

  bool hasSnapshot_ = false;
  bool isAdaFace_ = false;
  QString headKind_;
  bool explicitParameters_ = false;
  double m_ = std::numeric_limits<double>::quiet_NaN();
  double h_ = std::numeric_limits<double>::quiet_NaN();
  double eps_ = 1e-3;  // AdaFace's σ offset; from the head parameters when listed
  double explicitMean_ = std::numeric_limits<double>::quiet_NaN();
  double explicitStd_ = std::numeric_limits<double>::quiet_NaN();
  double snapshotMean_ = std::numeric_limits<double>::quiet_NaN();
  double snapshotStd_ = std::numeric_limits<double>::quiet_NaN();
  std::vector<Sample> samples_;

  QCPGraph* angular_;
  QCPGraph* additive_;
  QCPGraph* angularDots_;
  QCPGraph* additiveDots_;
  QCPTextElement* subtitle_;
};

}  // namespace marginlab::widgets
