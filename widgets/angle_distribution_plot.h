#pragma once
// AdaFace's argument in one picture: how far samples lie from their own class centre (θ, degrees), split into four
// groups, easy/hard × low/high quality, each drawn as a density (a Gaussian kernel density estimate with Silverman's
// bandwidth, so that a group of thirty hard samples still reads as a shape and not as noise) that integrates to one,
// so that groups of different sizes compare. Difficulty is "misclassified by the plain cosine classifier" or "θ above a threshold"; quality is the
// data source's true quality q below a threshold, or, where the source does not know it, the feature norm below a
// percentile of the window's norms. Memory: the latest snapshot's sample window (~2048 samples), nothing older.
#include <array>
#include <vector>

#include "core/telemetry/telemetry.h"
#include "widgets/plot_widget.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSpinBox;
class QCPGraph;

namespace marginlab::widgets {

class AngleDistributionPlot : public PlotWidget {
  Q_OBJECT
 public:
  enum class Difficulty { misclassified, theta_above };
  // Group order everywhere (graphs, counts, shownData): easy·low, easy·high, hard·low, hard·high quality.
  enum Group { easy_low = 0, easy_high = 1, hard_low = 2, hard_high = 3 };

  explicit AngleDistributionPlot(QWidget* parent = nullptr);

  void setSnapshot(const train::Snapshot& snapshot);
  void clear();

  // The controls above the plot call these; so can the app (e.g. to restore settings).
  void setDifficulty(Difficulty difficulty);
  void setThetaThreshold(double degrees);   // hard = θ above this, in θ mode
  void setQualityThreshold(double q);       // low quality = q below this, when quality is known
  void setNormPercentile(double percent);   // low quality = ‖z‖ below this percentile, when it is not
  Difficulty difficulty() const { return difficulty_; }

  // Samples per group under the current split.
  std::array<int, 4> groupCounts() const { return counts_; }
  bool qualityKnown() const { return qualityKnown_; }
  // A group's kernel bandwidth in degrees (0 for an empty group).
  double bandwidth(int group) const { return bandwidth_[group]; }
  // The spacing of the θ grid the densities are evaluated on, in degrees.
  static constexpr double kGridStep = 0.5;
  // Columns: series, theta (degrees), density (per degree), samples (of the group), bandwidth (degrees).
  DataTable shownData() const override;

 protected:
  void redraw() override;
  void resizeEvent(QResizeEvent* event) override;

 private:
  void regroup();
  static QString groupName(int group);

  // The window, labelled samples with a finite θ only.
  std::vector<double> thetaDeg_;
  std::vector<unsigned char> misclassified_;
  std::vector<float> quality_, norm_;
  bool qualityKnown_ = false;
  bool hasSnapshot_ = false;

  Difficulty difficulty_ = Difficulty::misclassified;
  double thetaThreshold_ = 60.0, qualityThreshold_ = 0.5, normPercentile_ = 50.0;

  // Derived by regroup().
  std::array<int, 4> counts_{};
  std::vector<double> grid_;                     // θ (degrees) where the densities are evaluated
  std::array<std::vector<double>, 4> density_;   // per group, on grid_ (empty for an empty group)
  std::array<double, 4> bandwidth_{};
  int unknownQuality_ = 0;
  double normThreshold_ = 0;

  QComboBox* difficultyBox_;
  QDoubleSpinBox* thetaSpin_;
  QDoubleSpinBox* qualitySpin_;
  QSpinBox* percentileSpin_;
  QLabel* qualityLabel_;
  std::array<QCPGraph*, 4> graphs_{};
};

}  // namespace marginlab::widgets
