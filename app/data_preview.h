#pragma once
// The Data tab's pictures: images of the experiment's training source, as the loader would hand them out, with their
// known quality and with each augmentation the experiment switches on; and a class's images when a class is picked in
// the κ plots. Sources can be slow to open (a dataset scan) and to decode, so the work runs on the thread pool and
// the results come back as signals on the GUI thread. No torch here.
#include <QImage>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>

#include "core/experiment/experiment.h"
#include "widgets/sample_grid.h"

namespace marginlab::data {
class SampleSource;
}

namespace marginlab::app {

class DataPreview : public QObject {
  Q_OBJECT
 public:
  explicit DataPreview(QObject* parent = nullptr);

  // Opens the training source of `experiment` and renders `classes` classes (spread over the class-size range) ×
  // `perClass` images, then that class's first image under each augmentation the experiment uses.
  void preview(const train::Experiment& experiment, int classes = 6, int perClass = 3);
  // Up to `count` images of one class of the source the last preview opened.
  void classSamples(qint64 classId, int count = 8);

 Q_SIGNALS:
  void tilesReady(const QList<marginlab::widgets::SampleTile>& tiles, const QString& description,
                  const std::vector<qint64>& classCounts);
  void classSamplesReady(qint64 classId, const QList<QImage>& images, const QStringList& captions);
  void failed(const QString& message);

 private:
  std::shared_ptr<const data::SampleSource> source_;
  quint64 generation_ = 0;  // a newer preview makes an older one's late result obsolete
};

}  // namespace marginlab::app
