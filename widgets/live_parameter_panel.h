#pragma once
// Live tuning of a running head's hyperparameters and of the base learning rate. One row per parameter: its name
// (help text as tooltip), a text editor that refuses out-of-range or non-finite values visibly (red frame and a
// message naming the allowed range; nothing is sent), a slider over the allowed range (logarithmic where the range
// spans more than two decades or is open at 0 or infinity) and a status cell with the engine's answer
// ("applied at step 1234", or the rejection in red).
//
// Every accepted change is a ParameterChangeCommand on the panel's undo stack; its redo()/undo() emit
// changeRequested(name, value), which the app posts to the engine. One slider drag is one undo step.
#include <QString>
#include <QWidget>

#include <map>
#include <memory>
#include <vector>

#include "core/heads/head_diagnostics.h"

class QGridLayout;
class QLabel;
class QLineEdit;
class QSlider;
class QUndoStack;

namespace marginlab::widgets {

// Slider positions 0..kSliderSteps map onto [lo, hi], linearly or logarithmically.
inline constexpr int kSliderSteps = 1000;

struct SliderMapping {
  bool log = false;
  double lo = 0.0;  // value at position 0
  double hi = 1.0;  // value at position kSliderSteps
  double valueAt(int position) const;
  int positionOf(double value) const;  // clamped to [0, kSliderSteps]
  bool covers(double value) const { return value >= lo && value <= hi; }
};

// The slider span for `param` around `value`: linear over a finite range of at most two decades (or any finite
// range that includes 0 or negatives, when the value is not far below the top); otherwise logarithmic over
// value/10 .. value·10, shifted to stay inside the range. Ends at an open bound step in by one slider step.
SliderMapping sliderMappingFor(const heads::ParamValue& param, double value);
// "[0, 1]", "(0, inf)", as the engine writes ranges.
QString rangeText(const heads::ParamValue& param);
// Finite and inside the range, open ends respected.
bool valueInRange(const heads::ParamValue& param, double value);

class LiveParameterPanel : public QWidget {
  Q_OBJECT
 public:
  // The name changeRequested uses for the base learning rate (train::kLearningRate in core/telemetry/run_control.h).
  static const QString kLearningRate;

  explicit LiveParameterPanel(QWidget* parent = nullptr);
  ~LiveParameterPanel() override;

  // The running head's parameters (values, ranges, help) and the base learning rate, e.g. from every Snapshot.
  // The same head with the same parameter names updates the rows in place (rows with a pending request, refused
  // text or an editor in use keep what they show); another head rebuilds the rows and clears the undo stack.
  void setParameters(const QString& headKind, const std::vector<heads::ParamValue>& params, double learningRate);
  QString headKind() const { return headKind_; }

  // For the main window's Edit menu: createUndoAction / createRedoAction.
  QUndoStack* undoStack() const { return undoStack_; }

  // False while no run is active (the default): the editors are disabled, a hint says how to enable them, and
  // the undo history is cleared (changes to a finished run cannot be undone).
  void setEditable(bool editable);
  bool isEditable() const { return editable_; }

  // The value each row asks for now (the last accepted one, "lr" included).
  std::map<QString, double> currentValues() const;

  // The row's widgets, for tests and focus handling; nullptr for an unknown name.
  QLineEdit* editor(const QString& name) const;
  QSlider* slider(const QString& name) const;
  QLabel* statusLabel(const QString& name) const;
  SliderMapping sliderMapping(const QString& name) const;

  // "learning rate" for kLearningRate, else the name itself.
  static QString displayName(const QString& name);
  // Up to 6 significant digits, C locale ("0.5", "1e-05").
  static QString formatValue(double value);

 public Q_SLOTS:
  // The engine's answers to a posted change (RunEvent param_applied / param_rejected).
  void markApplied(const QString& name, double value, quint64 version, qint64 step);
  void markRejected(const QString& name, double value, const QString& reason);

 Q_SIGNALS:
  // An accepted edit, an undo or a redo: the app posts it to the engine.
  void changeRequested(const QString& name, double value);

 private:
  friend class ParameterChangeCommand;
  struct Row;

  void rebuild(const std::vector<heads::ParamValue>& params);
  QString titleText() const;
  Row* addRow(const heads::ParamValue& param, int& gridRow);
  Row* findRow(const QString& name) const;
  void commitEditor(Row& row);
  void sliderMoved(Row& row, int position);
  void showValue(Row& row, double value);
  void setError(Row& row, const QString& message);
  void clearError(Row& row);
  void setStatus(Row& row, const QString& text, bool error);
  void setValueFromCommand(const QString& name, double value);
  void updateEnabled();
  bool eventFilter(QObject* watched, QEvent* event) override;
  void changeEvent(QEvent* event) override;

  QString headKind_;
  QString fixedChoices_;  // "form = legacy": the head's choices, fixed for the run
  bool editable_ = false;
  bool fromSlider_ = false;  // a push from the slider: it shows the value already
  int dragSequence_ = 0;  // one number per slider press, so that two drags never merge
  QUndoStack* undoStack_;
  QLabel* title_;
  QLabel* hint_;
  QLabel* empty_;
  QWidget* rowsWidget_;
  QGridLayout* grid_;
  std::vector<std::unique_ptr<Row>> rows_;  // head parameters, then the learning rate
};

}  // namespace marginlab::widgets
