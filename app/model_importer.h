#pragma once
// Runs the engine's model import (engine/import/model_import.h) off the GUI thread: reads another tool's weights
// file and writes it as a run directory under the runs folder, then reports what it found or why it could not, and
// whether its classifier fits the data it is to be looked at with (the same number of classes).
#include <QObject>
#include <QString>
#include <QStringList>

#include "core/experiment/experiment.h"

namespace marginlab::app {

class ModelImporter : public QObject {
  Q_OBJECT
 public:
  explicit ModelImporter(QObject* parent = nullptr);

  bool isBusy() const { return busy_; }
  // False (nothing started) while another import runs. `data`: what the model will be looked at with.
  bool start(const QString& weights, const QString& runsFolder, const train::DataSettings& data);

 Q_SIGNALS:
  // `run`: the imported model's run directory; `found`: what the import found, one line each; `classifierFits`: the
  // model came with a classifier of the data's classes, so θ can be measured to its own class centres; `fit`: that,
  // or why not, in one line ("" without a classifier).
  void finished(const QString& run, const QStringList& found, bool classifierFits, const QString& fit);
  void failed(const QString& message);

 private:
  bool busy_ = false;
};

}  // namespace marginlab::app
