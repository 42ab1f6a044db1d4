#include "widgets/parameter_change_command.h"

#include <QCoreApplication>

#include "widgets/live_parameter_panel.h"

namespace marginlab::widgets {

ParameterChangeCommand::ParameterChangeCommand(LiveParameterPanel* panel, const QString& name, double oldValue,
                                               double newValue, int dragSequence)
    : panel_(panel), name_(name), oldValue_(oldValue), newValue_(newValue), dragSequence_(dragSequence) {
  updateText();
}

void ParameterChangeCommand::redo() { panel_->setValueFromCommand(name_, newValue_); }

void ParameterChangeCommand::undo() { panel_->setValueFromCommand(name_, oldValue_); }

bool ParameterChangeCommand::mergeWith(const QUndoCommand* other) {
  const auto* next = dynamic_cast<const ParameterChangeCommand*>(other);
  if (next == nullptr || next->id() != id() || dragSequence_ < 0 || next->dragSequence_ != dragSequence_ ||
      next->name_ != name_) {
    return false;
  }
  newValue_ = next->newValue_;
  updateText();
  // A drag that ends where it started changed nothing: QUndoStack drops an obsolete command after the merge.
  setObsolete(newValue_ == oldValue_);
  return true;
}

void ParameterChangeCommand::updateText() {
  setText(QCoreApplication::translate("marginlab::widgets::ParameterChangeCommand", "Set %1 to %2")
              .arg(LiveParameterPanel::displayName(name_), LiveParameterPanel::formatValue(newValue_)));
}

}  // namespace marginlab::widgets
