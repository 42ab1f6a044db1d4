#pragma once
// The experiment file as a form: data, model, head, optimiser, schedule, training, reports and evaluation, in tabs
// of group boxes. The rows are generated from the experiment's field table (core/experiment/experiment_fields.h):
// the panel knows only where each section goes and the few fields with editors of their own (description, the
// evaluation sets, the backbone and head kinds, the head's parameters). experiment() returns exactly what setExperiment() was given for every field the user did not
// touch (numbers are never rounded by the editors), so the panel can sit between the file and the engine.
// Validation is the engine's: the app checks experiment() and hands the message back with setValidationMessage().
#include <QString>
#include <QStringList>
#include <QWidget>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/heads/head_diagnostics.h"
#include "core/experiment/experiment.h"

class QComboBox;
class QFormLayout;

namespace marginlab::widgets {

// What the engine offers, for the combo boxes. (The heads and their parameters come from the head registry, in core.)
struct ExperimentChoices {
  QStringList backbones;
  QStringList presets;
};

class ExperimentPanel : public QWidget {
  Q_OBJECT
 public:
  explicit ExperimentPanel(QWidget* parent = nullptr);
  ~ExperimentPanel() override;

  // Refills the combo boxes and the head parameter editors; the experiment shown stays as it is.
  void setChoices(const ExperimentChoices& choices);

  // Shows `experiment` (no experimentEdited). Values the choices do not know (a backbone alias, an unknown head
  // kind) are added to their combo box so that nothing is lost.
  void setExperiment(const train::Experiment& experiment);
  // The edited experiment. Untouched fields are those given to setExperiment, bit for bit; head parameters and
  // SynthFace settings hold only the keys that were given or that the user changed (the rest keep the engine's
  // defaults).
  train::Experiment experiment() const;

  // Empty: valid (hidden). Otherwise shown in red above the form, e.g. "optimizer.lr = -1: must be > 0".
  void setValidationMessage(const QString& message);
  QString validationMessage() const;

  // Read-only while a run is active, with a hint saying so.
  void setLocked(bool locked);
  bool isLocked() const { return locked_; }

 Q_SIGNALS:
  // Any change the user made (not setExperiment / setChoices).
  void experimentEdited();
  // The user picked a preset from the combo box at the top; the app loads it and calls setExperiment.
  void presetRequested(const QString& name);

 protected:
  void changeEvent(QEvent* event) override;

 private:
  struct Ui;
  struct FieldEditor;

  void buildUi();
  // The editor of a field of the table, by its type; returns the widget its form row shows.
  QWidget* makeEditor(const std::string& key);
  QComboBox* makeCombo(const QString& tip);
  // A labelled row (the field's label and unit); `row` replaces the editor's own widget (e.g. with a Browse button).
  void addRow(QFormLayout* form, const std::string& key, QWidget* row = nullptr);
  // Rows for every field directly under `prefix` ("optimizer.") that has no editor yet, in the table's order.
  void addFields(QFormLayout* form, const std::string& prefix);
  FieldEditor& editor(const std::string& key);
  void load(const train::Experiment& experiment);
  void rebuildHeadRows();
  // The head's parameters with the values given so far (the registry's defaults for the rest, which can depend on
  // the choices made); the defaults alone where a given value is refused (the validation line says why).
  std::vector<heads::ParamValue> shownHeadParameters() const;
  void headChoiceChanged();
  void headKindChanged();
  void updateVisibility();
  void updateValidationStyle();
  void edited();

  std::unique_ptr<Ui> ui_;
  ExperimentChoices choices_;
  train::Experiment base_;  // what setExperiment gave: every untouched field comes from here
  // Head parameters with an explicit value (given or edited), for the kind shown and for kinds left this session.
  heads::HeadValues headParams_;
  std::map<QString, heads::HeadValues> headParamsByKind_;
  QString headKind_;
  bool loading_ = false;
  bool locked_ = false;
};

}  // namespace marginlab::widgets
