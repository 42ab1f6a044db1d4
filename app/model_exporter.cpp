#include "app/model_exporter.h"

#include <QCoreApplication>
#include <QPointer>
#include <QThreadPool>

#include <exception>

#include "engine/export/model_export.h"

namespace marginlab::app {

ModelExporter::ModelExporter(QObject* parent) : QObject(parent) {}

bool ModelExporter::onnxAvailable() { return exporting::onnx_export_available(); }

bool ModelExporter::start(const QString& run, const QString& format, const QString& folder) {
  if (busy_) return false;
  busy_ = true;
  QPointer<ModelExporter> self(this);
  QThreadPool::globalInstance()->start([self, run, format, folder] {
    // Lines go to the GUI thread as they come; the export itself stays on this worker.
    const auto post = [](auto deliver) { QMetaObject::invokeMethod(qApp, std::move(deliver)); };
    QStringList files;
    QString summary, error;
    try {
      exporting::ExportRequest request;
      request.checkpoint = run.toStdString();
      request.formats = exporting::parse_export_formats(format.toStdString());
      request.out_dir = folder.toStdString();
      const auto result = exporting::export_model(request, [&](const std::string& line) {
        const QString text = QString::fromStdString(line);
        post([self, text] {
          if (self) Q_EMIT self->progress(text);
        });
      });
      for (const auto& file : result.files) files << QString::fromStdString(file.string());
      summary = QObject::tr("Exported %1 (step %2) to %3").arg(QString::fromStdString(result.backbone)).arg(result.step).arg(folder);
      if (result.parity) {
        summary += QObject::tr("; ONNX checked on %1 images, smallest cosine %2")
                       .arg(result.parity->images)
                       .arg(result.parity->min_cosine, 0, 'f', 7);
      }
    } catch (const std::exception& e) {
      error = QString::fromUtf8(e.what());
    }
    post([self, files, summary, error] {
      if (!self) return;
      self->busy_ = false;
      if (error.isEmpty()) {
        Q_EMIT self->finished(files, summary);
      } else {
        Q_EMIT self->failed(error);
      }
    });
  });
  return true;
}

}  // namespace marginlab::app
