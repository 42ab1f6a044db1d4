#include "app/model_importer.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QPointer>
#include <QThreadPool>

#include <exception>

#include "core/run/run_directory.h"
#include "engine/import/model_import.h"

namespace marginlab::app {

ModelImporter::ModelImporter(QObject* parent) : QObject(parent) {}

bool ModelImporter::start(const QString& weights, const QString& runsFolder) {
  if (busy_) return false;
  busy_ = true;
  QPointer<ModelImporter> self(this);
  QThreadPool::globalInstance()->start([self, weights, runsFolder] {
    QString run, error;
    QStringList found;
    try {
      const auto model = importing::import_model(weights.toStdString(), {});
      const auto name = "imported-" + QFileInfo(weights).completeBaseName().toStdString();
      const auto directory = train::RunDirectory::create(runsFolder.toStdString(), name);
      importing::write_imported_run(model, directory.path());
      run = QString::fromStdString(directory.path().string());
      for (const auto& line : importing::describe(model)) found << QString::fromStdString(line);
    } catch (const std::exception& e) {
      error = QString::fromUtf8(e.what());
    }
    QMetaObject::invokeMethod(qApp, [self, run, found, error] {
      if (!self) return;
      self->busy_ = false;
      if (error.isEmpty()) {
        Q_EMIT self->finished(run, found);
      } else {
        Q_EMIT self->failed(error);
      }
    });
  });
  return true;
}

}  // namespace marginlab::app
