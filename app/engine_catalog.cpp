#include "app/engine_catalog.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <exception>

#include "core/backbones/backbone_catalog.h"
#include "core/heads/head_registry.h"

namespace marginlab::app {
namespace {

constexpr auto kPresetPrefix = ":/presets/";

bool readExperiment(const QByteArray& bytes, const QString& origin, train::Experiment* experiment, QString* error) {
  try {
    const auto document = nlohmann::json::parse(bytes.constData(), bytes.constData() + bytes.size());
    *experiment = train::experiment_from_json(document, origin.toStdString());
    return true;
  } catch (const nlohmann::json::exception& e) {
    *error = QObject::tr("%1 is not valid JSON: %2").arg(origin, QString::fromUtf8(e.what()));
  } catch (const std::exception& e) {
    *error = QString::fromUtf8(e.what());
  }
  return false;
}

}  // namespace

widgets::ExperimentChoices experimentChoices() {
  widgets::ExperimentChoices choices;
  for (const auto& [kind, description] : backbones::backbone_kinds()) choices.backbones << QString::fromStdString(kind);
  choices.presets = presetNames();
  return choices;
}

std::vector<heads::ParamValue> headParameters(const train::Experiment& experiment) {
  return heads::head_parameter_values(experiment.head.kind, experiment.head.params);
}

QString validateExperiment(const train::Experiment& experiment) {
  try {
    train::experiment_from_json(train::to_json(experiment), experiment.name);
    return {};
  } catch (const std::exception& e) {
    return QString::fromUtf8(e.what());
  }
}

QStringList presetNames() {
  QStringList names;
  for (const QString& file : QDir(QString::fromLatin1(kPresetPrefix)).entryList({QStringLiteral("*.json")}, QDir::Files,
                                                                                 QDir::Name)) {
    names << QFileInfo(file).completeBaseName();
  }
  return names;
}

bool loadPreset(const QString& name, train::Experiment* experiment, QString* error) {
  QFile file(QString::fromLatin1(kPresetPrefix) + name + QStringLiteral(".json"));
  if (!file.open(QIODevice::ReadOnly)) {
    *error = QObject::tr("No built-in preset named \"%1\" (known: %2)").arg(name, presetNames().join(QStringLiteral(", ")));
    return false;
  }
  return readExperiment(file.readAll(), name + QStringLiteral(".json"), experiment, error);
}

bool loadExperimentFile(const QString& path, train::Experiment* experiment, QString* error) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) {
    *error = QObject::tr("Cannot read %1: %2").arg(path, file.errorString());
    return false;
  }
  return readExperiment(file.readAll(), path, experiment, error);
}

bool saveExperimentFile(const train::Experiment& experiment, const QString& path, QString* error) {
  try {
    train::save_experiment(experiment, path.toStdString());
    return true;
  } catch (const std::exception& e) {
    *error = QString::fromUtf8(e.what());
    return false;
  }
}

}  // namespace marginlab::app
