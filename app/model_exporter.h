#pragma once
// Runs the engine's model export (engine/export/model_export.h) off the GUI thread, which never touches torch, and
// reports back by signals: each progress line, then the files written or the reason it failed. One export at a time.
#include <QObject>
#include <QString>
#include <QStringList>

namespace marginlab::app {

class ModelExporter : public QObject {
  Q_OBJECT
 public:
  explicit ModelExporter(QObject* parent = nullptr);

  static bool onnxAvailable();
  bool isBusy() const { return busy_; }
  // `format`: "all", "onnx" or "pytorch". False (nothing started) while another export runs.
  bool start(const QString& run, const QString& format, const QString& folder);

 Q_SIGNALS:
  void progress(const QString& line);
  void finished(const QStringList& files, const QString& summary);
  void failed(const QString& message);

 private:
  bool busy_ = false;
};

}  // namespace marginlab::app
