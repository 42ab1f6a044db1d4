#pragma once
// Runs the engine's model import (engine/import/model_import.h) off the GUI thread: reads another tool's weights
// file and writes it as a run directory under the runs folder, then reports what it found or why it could not.
#include <QObject>
#include <QString>
#include <QStringList>

namespace marginlab::app {

class ModelImporter : public QObject {
  Q_OBJECT
 public:
  explicit ModelImporter(QObject* parent = nullptr);

  bool isBusy() const { return busy_; }
  // False (nothing started) while another import runs.
  bool start(const QString& weights, const QString& runsFolder);

 Q_SIGNALS:
  // `run`: the imported model's run directory; `found`: what the import found, one line each.
  void finished(const QString& run, const QStringList& found);
  void failed(const QString& message);

 private:
  bool busy_ = false;
};

}  // namespace marginlab::app
