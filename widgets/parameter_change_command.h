#pragma once
// One undoable live change of a head hyperparameter or of the learning rate. redo() and undo() put the new / old
// value into the LiveParameterPanel, which shows it and emits changeRequested so that the app posts it to the
// engine. The steps of one slider drag merge into a single command (same id and the same drag sequence number);
// keyboard edits and separate drags stay separate steps.
#include <QString>
#include <QUndoCommand>

namespace marginlab::widgets {

class LiveParameterPanel;

class ParameterChangeCommand : public QUndoCommand {
 public:
  static constexpr int kDragId = 0x4c505043;  // "LPPC": the merge id of drag steps

  // dragSequence >= 0: a step of that slider drag (merges with the same drag's other steps); -1: a separate step.
  ParameterChangeCommand(LiveParameterPanel* panel, const QString& name, double oldValue, double newValue,
                         int dragSequence = -1);

  void redo() override;
  void undo() override;
  int id() const override { return dragSequence_ >= 0 ? kDragId : -1; }
  bool mergeWith(const QUndoCommand* other) override;

  const QString& name() const { return name_; }
  double oldValue() const { return oldValue_; }
  double newValue() const { return newValue_; }
  int dragSequence() const { return dragSequence_; }

 private:
  void updateText();

  LiveParameterPanel* panel_;  // owns the undo stack, hence outlives this command
  QString name_;
  double oldValue_;
  double newValue_;
  int dragSequence_;
};

}  // namespace marginlab::widgets
