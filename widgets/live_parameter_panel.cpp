#include "widgets/live_parameter_panel.h"

#include <QEvent>
#include <QFontMetrics>
#include <QFrame>
#include <QGridLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QSignalBlocker>
#include <QSlider>
#include <QUndoStack>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "core/experiment/experiment_fields.h"
#include "widgets/parameter_change_command.h"

namespace marginlab::widgets {
namespace {

// Readable on light and dark backgrounds.
QColor errorColor(const QPalette& palette) {
  return palette.color(QPalette::Window).lightness() < 128 ? QColor(255, 120, 110) : QColor(190, 30, 30);
}

QString rangeNumber(double v) {
  if (std::isinf(v)) return v > 0 ? QStringLiteral("inf") : QStringLiteral("-inf");
  return QString::number(v, 'g', 10);  // the engine's format_number precision
}

// What a person types: C locale first ("0.5", "1e-3"), then the system locale ("0,5").
bool parseNumber(const QString& text, double& value) {
  bool ok = false;
  value = QLocale::c().toDouble(text, &ok);
  if (!ok) value = QLocale().toDouble(text, &ok);
  if (!ok) {
    const QString t = text.trimmed().toLower();
    if (t == QLatin1String("inf") || t == QLatin1String("+inf") || t == QLatin1String("infinity")) {
      value = INFINITY;
      ok = true;
    } else if (t == QLatin1String("-inf") || t == QLatin1String("-infinity")) {
      value = -INFINITY;
      ok = true;
    } else if (t == QLatin1String("nan")) {
      value = NAN;
      ok = true;
    }
  }
  return ok;
}

// Slider values rounded to what the step can resolve (3 significant digits on a log slider), so that a drag asks
// for 0.503 rather than 0.50265482.
double roundedForSlider(double value, const SliderMapping& mapping) {
  if (mapping.log) return QString::number(value, 'g', 3).toDouble();
  const double step = (mapping.hi - mapping.lo) / kSliderSteps;
  if (!(step > 0)) return value;
  const int decimals = std::clamp(static_cast<int>(std::ceil(-std::log10(step))), 0, 12);
  const double scale = std::pow(10.0, decimals);
  return std::round(value * scale) / scale;
}

// The experiment's own range for optimizer.lr (core/experiment/experiment_fields.h).
heads::ParamValue learningRateParam(double value) {
  const Range& range = train::find_field("optimizer.lr")->range;
  heads::ParamValue param;
  param.name = LiveParameterPanel::kLearningRate.toStdString();
  param.value = value;
  param.lo = range.lo;
  param.hi = range.hi;
  param.lo_open = range.lo_open;
  param.hi_open = range.hi_open;
  param.help = "base learning rate; the schedule keeps scaling it (warm-up and decay continue from the new base)";
  return param;
}

}  // namespace

// --- slider mapping ------------------------------------------------------------------------------------------

double SliderMapping::valueAt(int position) const {
  if (position <= 0) return lo;
  if (position >= kSliderSteps) return hi;
  const double t = static_cast<double>(position) / kSliderSteps;
  if (log) return std::exp(std::log(lo) + t * (std::log(hi) - std::log(lo)));
  return lo + t * (hi - lo);
}

int SliderMapping::positionOf(double value) const {
  if (!std::isfinite(value) || !(hi > lo)) return 0;
  double t = 0;
  if (log) {
    t = value > 0 ? (std::log(value) - std::log(lo)) / (std::log(hi) - std::log(lo)) : 0.0;
  } else {
    t = (value - lo) / (hi - lo);
  }
  return std::clamp(static_cast<int>(std::lround(t * kSliderSteps)), 0, kSliderSteps);
}

SliderMapping sliderMappingFor(const heads::ParamValue& param, double value) {
  const double lo = param.lo;
  const double hi = param.hi;
  const bool finite = std::isfinite(lo) && std::isfinite(hi);
  bool useLog = false;
  if (value > 0 && lo >= 0) {
    if (!finite) {
      useLog = true;  // open to infinity
    } else if (lo > 0) {
      useLog = hi / lo > 100.0;  // more than two decades
    } else if (param.lo_open) {
      useLog = true;  // (0, hi]: a strictly positive scale, e.g. s, eps, a temperature
    } else {
      useLog = hi / value >= 100.0;  // [0, hi] with the value two decades below the top (λ_g = 35 in [0, 1e6])
    }
  }
  SliderMapping mapping;
  if (useLog) {
    mapping.log = true;
    double a = value / 10.0;
    double b = value * 10.0;
    if (b > hi) {  // keep two decades, shifted down below the top
      b = hi;
      a = std::max(hi / 100.0, lo);
    }
    if (a < lo) {
      a = lo;
      b = std::min(lo * 100.0, hi);
    }
    if (a <= 0) a = b / 100.0;
    const double ratio = std::pow(b / a, 1.0 / kSliderSteps);
    if (param.lo_open && a <= lo) a *= ratio;
    if (param.hi_open && b >= hi) b /= ratio;
    mapping.lo = a;
    mapping.hi = b;
    return mapping;
  }
  double a = lo;
  double b = hi;
  if (!std::isfinite(a) || !std::isfinite(b)) {
    const double half = 10.0 * std::max(1.0, std::abs(value));
    if (!std::isfinite(a)) a = std::isfinite(b) ? std::min(b, value) - half : value - half;
    if (!std::isfinite(b)) b = std::max(a, value) + half;
  }
  if (!(b > a)) b = a + 1.0;
  const double step = (b - a) / kSliderSteps;
  if (param.lo_open && a <= lo) a += step;
  if (param.hi_open && b >= hi) b -= step;
  mapping.lo = a;
  mapping.hi = b;
  return mapping;
}

QString rangeText(const heads::ParamValue& param) {
  return QStringLiteral("%1%2, %3%4")
      .arg(param.lo_open ? QStringLiteral("(") : QStringLiteral("["), rangeNumber(param.lo), rangeNumber(param.hi),
           param.hi_open ? QStringLiteral(")") : QStringLiteral("]"));
}

bool valueInRange(const heads::ParamValue& param, double value) {
  if (!std::isfinite(value)) return false;
  const bool above = param.lo_open ? value > param.lo : value >= param.lo;
  const bool below = param.hi_open ? value < param.hi : value <= param.hi;
  return above && below;
}

// --- panel ---------------------------------------------------------------------------------------------------

const QString LiveParameterPanel::kLearningRate = QStringLiteral("lr");

struct LiveParameterPanel::Row {
  QString name;
  heads::ParamValue param;  // range and help; param.value is not kept up to date
  QLabel* label = nullptr;
  QLineEdit* editor = nullptr;
  QSlider* slider = nullptr;
  QLabel* status = nullptr;
  SliderMapping mapping;
  double current = 0;     // what the panel asks for: the last accepted value
  double applied = 0;     // what the engine has: reported by setParameters / markApplied
  bool pending = false;   // asked for, not yet answered
  bool invalid = false;   // the editor holds refused text
  QString statusText;
  bool statusError = false;
};

QString LiveParameterPanel::displayName(const QString& name) {
  return name == kLearningRate ? tr("learning rate") : name;
}

QString LiveParameterPanel::titleText() const {
  return fixedChoices_.isEmpty() ? tr("Head: %1").arg(headKind_) : tr("Head: %1 (%2)").arg(headKind_, fixedChoices_);
}

QString LiveParameterPanel::formatValue(double value) { return QString::number(value, 'g', 6); }

LiveParameterPanel::LiveParameterPanel(QWidget* parent) : QWidget(parent), undoStack_(new QUndoStack(this)) {
  auto* layout = new QVBoxLayout(this);
  hint_ = new QLabel(tr("Start a run to tune live."), this);
  hint_->setObjectName(QStringLiteral("hint"));
  QFont small = hint_->font();
  small.setPointSizeF(small.pointSizeF() * 0.9);
  small.setItalic(true);
  hint_->setFont(small);
  hint_->setForegroundRole(QPalette::PlaceholderText);
  layout->addWidget(hint_);

  empty_ = new QLabel(tr("The head's parameters appear here when a run reports them."), this);
  empty_->setAlignment(Qt::AlignCenter);
  empty_->setForegroundRole(QPalette::PlaceholderText);
  empty_->setWordWrap(true);
  layout->addWidget(empty_, 1);

  rowsWidget_ = new QWidget(this);
  grid_ = new QGridLayout(rowsWidget_);
  grid_->setContentsMargins(0, 0, 0, 0);
  grid_->setHorizontalSpacing(10);
  grid_->setVerticalSpacing(6);
  grid_->setColumnStretch(2, 1);
  title_ = new QLabel(rowsWidget_);
  QFont bold = title_->font();
  bold.setBold(true);
  title_->setFont(bold);
  layout->addWidget(rowsWidget_);
  layout->addStretch(1);
  rowsWidget_->hide();
  updateEnabled();
}

LiveParameterPanel::~LiveParameterPanel() {
  // The commands call back into the panel; drop them before the rows go.
  undoStack_->clear();
}

void LiveParameterPanel::setParameters(const QString& headKind, const std::vector<heads::ParamValue>& params,
                                       double learningRate) {
  // Live numbers get a row; choices are fixed for the run (another choice is another loss) and named in the title.
  std::vector<heads::ParamValue> all;
  QStringList fixed;
  for (const auto& p : params) {
    if (p.live) {
      all.push_back(p);
    } else {
      fixed << QStringLiteral("%1 = %2").arg(QString::fromStdString(p.name),
                                             p.type == heads::HeadParamType::choice ? QString::fromStdString(p.choice)
                                                                                    : formatValue(p.value));
    }
  }
  all.push_back(learningRateParam(learningRate));
  const QString fixedText = fixed.join(QStringLiteral(", "));
  if (fixedText != fixedChoices_) {
    fixedChoices_ = fixedText;
    title_->setText(titleText());
  }
  bool same = headKind == headKind_ && rows_.size() == all.size();
  for (std::size_t i = 0; same && i < all.size(); ++i) {
    same = rows_[i]->name == QString::fromStdString(all[i].name);
  }
  if (!same) {
    headKind_ = headKind;
    rebuild(all);
    return;
  }
  for (std::size_t i = 0; i < all.size(); ++i) {
    Row& row = *rows_[i];
    row.param = all[i];
    const QString tip = QString::fromStdString(all[i].help) + QStringLiteral("\n") +
                        tr("allowed: %1").arg(rangeText(all[i]));
    row.label->setToolTip(tip);
    row.applied = all[i].value;
    const bool inUse = row.pending || row.invalid || row.editor->hasFocus() || row.slider->isSliderDown();
    if (!inUse && row.current != all[i].value) {
      row.current = all[i].value;
      showValue(row, row.current);
    }
  }
}

void LiveParameterPanel::rebuild(const std::vector<heads::ParamValue>& params) {
  undoStack_->clear();  // its commands name the old head's parameters
  for (auto& row : rows_) {
    delete row->label;
    delete row->editor;
    delete row->slider;
    delete row->status;
  }
  rows_.clear();
  // Section headers are kept; rows are re-added below them.
  while (QLayoutItem* item = grid_->takeAt(0)) {
    if (item->widget() && item->widget() != title_) item->widget()->deleteLater();
    delete item;
  }
  title_->setText(titleText());
  grid_->addWidget(title_, 0, 0, 1, 3);
  int gridRow = 1;
  for (std::size_t i = 0; i + 1 < params.size(); ++i) addRow(params[i], gridRow);
  auto* optimiser = new QLabel(tr("Optimiser"), rowsWidget_);
  optimiser->setFont(title_->font());
  grid_->addWidget(optimiser, gridRow, 0, 1, 3);
  grid_->setRowMinimumHeight(gridRow, optimiser->sizeHint().height() + 12);
  optimiser->setAlignment(Qt::AlignLeft | Qt::AlignBottom);
  ++gridRow;
  addRow(params.back(), gridRow);
  empty_->hide();
  rowsWidget_->show();
  updateEnabled();
}

LiveParameterPanel::Row* LiveParameterPanel::addRow(const heads::ParamValue& param, int& gridRow) {
  auto row = std::make_unique<Row>();
  Row* r = row.get();
  r->name = QString::fromStdString(param.name);
  r->param = param;
  r->current = r->applied = param.value;
  const QString range = rangeText(param);

  r->label = new QLabel(displayName(r->name), rowsWidget_);
  r->label->setToolTip(QString::fromStdString(param.help) + QStringLiteral("\n") + tr("allowed: %1").arg(range));

  r->editor = new QLineEdit(rowsWidget_);
  r->editor->setObjectName(QStringLiteral("editor:") + r->name);
  r->editor->setToolTip(tr("Type a value in %1 and press Enter; Esc restores the current value.").arg(range));
  r->editor->setFixedWidth(r->editor->fontMetrics().horizontalAdvance(QStringLiteral("-0.000000e-00")) + 16);
  r->editor->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
  r->editor->installEventFilter(this);
  r->label->setBuddy(r->editor);

  r->slider = new QSlider(Qt::Horizontal, rowsWidget_);
  r->slider->setObjectName(QStringLiteral("slider:") + r->name);
  r->slider->setRange(0, kSliderSteps);
  r->slider->setMinimumWidth(110);
  r->slider->setSingleStep(5);
  r->slider->setPageStep(50);

  r->status = new QLabel(rowsWidget_);
  r->status->setObjectName(QStringLiteral("status:") + r->name);
  r->status->setWordWrap(true);
  r->status->setTextInteractionFlags(Qt::TextSelectableByMouse);
  r->status->hide();

  // The status ("applied at step 120", a refusal's reason) under the value it is about: the panel stays narrow enough
  // for a laptop screen beside the plots.
  grid_->addWidget(r->label, gridRow, 0);
  grid_->addWidget(r->editor, gridRow, 1);
  grid_->addWidget(r->slider, gridRow, 2);
  grid_->addWidget(r->status, gridRow + 1, 1, 1, 2);
  gridRow += 2;

  r->mapping = sliderMappingFor(param, param.value);
  showValue(*r, param.value);

  connect(r->editor, &QLineEdit::editingFinished, this, [this, r] { commitEditor(*r); });
  connect(r->slider, &QSlider::sliderPressed, this, [this] { ++dragSequence_; });
  connect(r->slider, &QSlider::valueChanged, this, [this, r](int position) { sliderMoved(*r, position); });
  connect(r->slider, &QSlider::sliderReleased, this, [this, r] {
    // The span follows the value between drags, never during one.
    if (!r->mapping.covers(r->current)) showValue(*r, r->current);
  });
  rows_.push_back(std::move(row));
  return r;
}

LiveParameterPanel::Row* LiveParameterPanel::findRow(const QString& name) const {
  for (const auto& row : rows_) {
    if (row->name == name) return row.get();
  }
  return nullptr;
}

void LiveParameterPanel::showValue(Row& row, double value) {
  row.editor->setText(formatValue(value));
  row.editor->setCursorPosition(0);
  if (row.slider->isSliderDown() || fromSlider_) return;  // the slider is the source and shows it already
  // The span follows the value when it leaves it, or when the value calls for the other scale (t_alpha back from
  // 0.5 to 0.01); otherwise it stays put so that the handle does not jump.
  const SliderMapping preferred = sliderMappingFor(row.param, value);
  if (!row.mapping.covers(value) || preferred.log != row.mapping.log) row.mapping = preferred;
  const QSignalBlocker block(row.slider);
  row.slider->setValue(row.mapping.positionOf(value));
  row.slider->setToolTip(tr("%1 … %2").arg(formatValue(row.mapping.lo), formatValue(row.mapping.hi)) +
                         (row.mapping.log ? tr(" (logarithmic)") : QString()));
}

void LiveParameterPanel::commitEditor(Row& row) {
  const QString text = row.editor->text().trimmed();
  if (text == formatValue(row.current)) {
    clearError(row);
    return;
  }
  double value = 0;
  const QString name = displayName(row.name);
  if (!parseNumber(text, value)) {
    setError(row, tr("%1: “%2” is not a number; allowed: %3").arg(name, text, rangeText(row.param)));
    return;
  }
  if (!valueInRange(row.param, value)) {
    setError(row, tr("%1 = %2 is outside %3").arg(name, text, rangeText(row.param)));
    return;
  }
  clearError(row);
  if (value == row.current) {
    showValue(row, value);
    return;
  }
  undoStack_->push(new ParameterChangeCommand(this, row.name, row.current, value));
}

void LiveParameterPanel::sliderMoved(Row& row, int position) {
  if (!editable_) return;
  double value = row.mapping.valueAt(position);
  const double rounded = roundedForSlider(value, row.mapping);
  if (valueInRange(row.param, rounded)) value = rounded;
  if (!valueInRange(row.param, value) || value == row.current) return;
  const int drag = row.slider->isSliderDown() ? dragSequence_ : -1;
  fromSlider_ = true;
  undoStack_->push(new ParameterChangeCommand(this, row.name, row.current, value, drag));
  fromSlider_ = false;
}

void LiveParameterPanel::setValueFromCommand(const QString& name, double value) {
  Row* row = findRow(name);
  if (row == nullptr) return;
  row->current = value;
  row->pending = true;
  clearError(*row);
  showValue(*row, value);
  setStatus(*row, tr("requested, applied at the next step"), false);
  emit changeRequested(name, value);
}

void LiveParameterPanel::setError(Row& row, const QString& message) {
  row.invalid = true;
  const QColor red = errorColor(palette());
  row.editor->setStyleSheet(
      QStringLiteral("QLineEdit { border: 2px solid %1; border-radius: 3px; padding: 1px 3px; }").arg(red.name()));
  setStatus(row, message, true);
}

void LiveParameterPanel::clearError(Row& row) {
  if (!row.invalid) return;
  row.invalid = false;
  row.editor->setStyleSheet(QString());
  setStatus(row, QString(), false);
}

void LiveParameterPanel::setStatus(Row& row, const QString& text, bool error) {
  row.statusText = text;
  row.statusError = error;
  row.status->setText(text);
  row.status->setVisible(!text.isEmpty());  // no empty line under a value that has nothing to say
  if (error) {
    row.status->setStyleSheet(QStringLiteral("QLabel { color: %1; }").arg(errorColor(palette()).name()));
  } else {
    row.status->setStyleSheet(QString());
    row.status->setForegroundRole(QPalette::PlaceholderText);
  }
}

void LiveParameterPanel::markApplied(const QString& name, double value, quint64 version, qint64 step) {
  Row* row = findRow(name);
  if (row == nullptr) return;
  row->applied = value;
  if (value == row->current) {
    row->pending = false;
    setStatus(*row, tr("applied at step %1").arg(step), false);
  } else {
    setStatus(*row, tr("%1 applied at step %2; %3 requested").arg(formatValue(value)).arg(step).arg(
                        formatValue(row->current)),
              false);
  }
  row->status->setToolTip(tr("%1 = %2, change %3").arg(displayName(name), formatValue(value)).arg(version));
}

void LiveParameterPanel::markRejected(const QString& name, double value, const QString& reason) {
  Row* row = findRow(name);
  if (row == nullptr) return;
  if (value == row->current) {
    row->pending = false;
    row->current = row->applied;
    clearError(*row);
    showValue(*row, row->applied);
  }
  setStatus(*row, reason, true);
  row->status->setToolTip(tr("%1 = %2 was not applied").arg(displayName(name), formatValue(value)));
}

std::map<QString, double> LiveParameterPanel::currentValues() const {
  std::map<QString, double> values;
  for (const auto& row : rows_) values[row->name] = row->current;
  return values;
}

QLineEdit* LiveParameterPanel::editor(const QString& name) const {
  const Row* row = findRow(name);
  return row ? row->editor : nullptr;
}

QSlider* LiveParameterPanel::slider(const QString& name) const {
  const Row* row = findRow(name);
  return row ? row->slider : nullptr;
}

QLabel* LiveParameterPanel::statusLabel(const QString& name) const {
  const Row* row = findRow(name);
  return row ? row->status : nullptr;
}

SliderMapping LiveParameterPanel::sliderMapping(const QString& name) const {
  const Row* row = findRow(name);
  return row ? row->mapping : SliderMapping{};
}

void LiveParameterPanel::setEditable(bool editable) {
  if (editable == editable_) return;
  editable_ = editable;
  if (!editable_) {
    // The run is over: nothing is pending any more and refused text has nowhere to go.
    undoStack_->clear();
    for (auto& row : rows_) {
      if (row->invalid) {
        clearError(*row);
        showValue(*row, row->current);
      }
      if (row->pending) {
        row->pending = false;
        setStatus(*row, QString(), false);
      }
    }
  }
  updateEnabled();
}

void LiveParameterPanel::updateEnabled() {
  hint_->setVisible(!editable_);
  for (auto& row : rows_) {
    row->editor->setEnabled(editable_);
    row->slider->setEnabled(editable_);
  }
}

bool LiveParameterPanel::eventFilter(QObject* watched, QEvent* event) {
  if (event->type() == QEvent::KeyPress && static_cast<QKeyEvent*>(event)->key() == Qt::Key_Escape) {
    for (auto& row : rows_) {
      if (row->editor == watched) {
        clearError(*row);
        showValue(*row, row->current);
        return true;
      }
    }
  }
  return QWidget::eventFilter(watched, event);
}

void LiveParameterPanel::changeEvent(QEvent* event) {
  if (event->type() == QEvent::PaletteChange) {
    for (auto& row : rows_) {
      if (row->invalid) {
        row->invalid = false;
        setError(*row, row->statusText);
      } else {
        setStatus(*row, row->statusText, row->statusError);
      }
    }
  }
  QWidget::changeEvent(event);
}

}  // namespace marginlab::widgets
