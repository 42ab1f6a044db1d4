#pragma once
// What the GUI needs to know of the engine before any run: the backbones, the built-in presets, the head's
// hyperparameters for an experiment (from the head registry); and the experiment file's reading, writing and checking, with errors
// as sentences for the user. No torch in this header.
#include <QString>
#include <QStringList>

#include "core/experiment/experiment.h"
#include "widgets/experiment_panel.h"

namespace marginlab::app {

// Backbones and preset names.
widgets::ExperimentChoices experimentChoices();

// The hyperparameters of `kind` at the values `experiment.head.params` sets (defaults for the rest), with ranges.
std::vector<heads::ParamValue> headParameters(const train::Experiment& experiment);

// Every check the engine makes of an experiment file (the same path as the CLI): empty when valid, else the message
// naming the key and value.
QString validateExperiment(const train::Experiment& experiment);

// Built-in presets ship inside the program (resources/presets, compiled in).
QStringList presetNames();
bool loadPreset(const QString& name, train::Experiment* experiment, QString* error);

bool loadExperimentFile(const QString& path, train::Experiment* experiment, QString* error);
bool saveExperimentFile(const train::Experiment& experiment, const QString& path, QString* error);

}  // namespace marginlab::app
