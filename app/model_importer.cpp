#include "app/model_importer.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QPointer>
#include <QThreadPool>

#include <exception>

#include "core/run/run_directory.h"
#include "engine/import/model_import.h"
#include "engine/train/data_setup.h"

namespace marginlab::app {

ModelImporter::ModelImporter(QObject* parent) : QObject(parent) {}

bool ModelImporter::start(const QString& weights, const QString& runsFolder, const train::DataSettings& data) {
  if (busy_) return false;
  busy_ = true;
  QPointer<ModelImporter> self(this);
  QThreadPool::globalInstance()->start([self, weights, runsFolder, data] {
    QString run, error, fit;
    QStringList found;
    bool fits = false;
    try {
      const auto model = importing::import_model(weights.toStdString(), {});
      const auto name = "imported-" + QFileInfo(weights).completeBaseName().toStdString();
      const auto directory = train::RunDirectory::create(runsFolder.toStdString(), name);
      importing::write_imported_run(model, directory.path());
      run = QString::fromStdString(directory.path().string());
      for (const auto& line : importing::describe(model)) found << QString::fromStdString(line);
      if (const auto& kernel = model.weights.kernel) {
        const auto classes = kernel->size(1);
        try {
          const auto data_classes = train::open_training_data(data, "the experiment's data").train->num_classes();
          fits = data_classes == classes;
          fit = fits ? QObject::tr(
                           "θ is measured to the model's own class centres: its classifier has the data's %1 "
                           "classes")
                           .arg(classes)
                     : QObject::tr(
                           "The model's classifier has %1 classes, the data %2: θ is measured to a new "
                           "head's class centres")
                           .arg(classes)
                           .arg(data_classes);
        } catch (const std::exception& e) {
          fit = QObject::tr("The data's classes are unknown (%1): θ is measured to a new head's class centres")
                    .arg(QString::fromUtf8(e.what()));
        }
      }
    } catch (const std::exception& e) {
      error = QString::fromUtf8(e.what());
    }
    QMetaObject::invokeMethod(qApp, [self, run, found, fits, fit, error] {
      if (!self) return;
      self->busy_ = false;
      if (error.isEmpty()) {
        Q_EMIT self->finished(run, found, fits, fit);
      } else {
        Q_EMIT self->failed(error);
      }
    });
  });
  return true;
}

}  // namespace marginlab::app
