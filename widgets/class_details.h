#pragma once
// One class up close: its size and where that ranks, KappaFace's κ, ψ and margin for it, its mean angle to the own
// centre, and a row of its images (the app renders those from the data source and hands them in). Memory: the
// numbers of one class and at most kMaxImages thumbnails.
#include <QImage>
#include <QList>
#include <QStringList>
#include <QWidget>

#include "core/telemetry/telemetry.h"

class QFormLayout;
class QHBoxLayout;
class QLabel;
class QScrollArea;

namespace marginlab::widgets {

class ClassDetails : public QWidget {
  Q_OBJECT
 public:
  static constexpr int kMaxImages = 32;
  static constexpr int kThumbnail = 96;  // px, the longer side of a sample image

  explicit ClassDetails(QWidget* parent = nullptr);

  // Shows the class's numbers from the snapshot (only they are kept). A different class than before drops the
  // sample images, which belong to the old one; the same class (a newer snapshot) keeps them.
  void setClass(qint64 classId, const train::Snapshot& snapshot);
  // Sample images of the shown class with one caption each (missing captions are blank); at most kMaxImages.
  void setSampleImages(const QList<QImage>& images, const QStringList& captions);
  // Back to "no class selected".
  void clear();

  qint64 classId() const { return classId_; }
  int sampleImageCount() const { return imageCount_; }
  // The text of a field: "class", "n", "rank", "kappa", "psi", "margin", "mean_theta" (empty if hidden or unknown).
  QString fieldText(const QString& field) const;
  // The line shown instead of numbers (no class selected, class not in the run), or empty.
  QString message() const;

 private:
  QLabel* addField(const QString& key, const QString& label);
  void setKappaRowsVisible(bool visible);
  void clearImages();

  qint64 classId_ = -1;
  int imageCount_ = 0;
  QLabel* heading_;
  QLabel* message_;
  QWidget* fieldsBox_;
  QFormLayout* fields_;
  QScrollArea* imagesArea_;
  QWidget* imagesBox_;
  QHBoxLayout* imagesLayout_;
  QLabel* noImages_;
};

}  // namespace marginlab::widgets
