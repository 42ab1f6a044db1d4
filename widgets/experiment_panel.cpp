#include "widgets/experiment_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollArea>
#include <QTabWidget>
#include <QVBoxLayout>
#include <QWheelEvent>

#include <cmath>
#include <limits>
#include <set>
#include <type_traits>

#include "core/experiment/experiment_fields.h"
#include "core/heads/head_registry.h"

namespace marginlab::widgets {
namespace {

constexpr double kHuge = 1e300;  // stands for an infinite bound in a spin box

QColor errorColor(const QPalette& palette) {
  return palette.color(QPalette::Window).lightness() < 128 ? QColor(255, 120, 110) : QColor(190, 30, 30);
}

bool parseNumber(const QString& text, double& value) {
  bool ok = false;
  value = QLocale::c().toDouble(text.trimmed(), &ok);
  if (!ok) value = QLocale().toDouble(text.trimmed(), &ok);
  return ok;
}

// The shortest text that reads back as the same double: fixed notation where that is readable ("0.0005"), else
// scientific without a padded exponent ("1e-8").
QString shortest(double value) {
  const double magnitude = std::abs(value);
  if (magnitude == 0 || (magnitude >= 1e-4 && magnitude < 1e15)) {
    return QString::number(value, 'f', QLocale::FloatingPointShortest);
  }
  QString text = QString::number(value, 'e', QLocale::FloatingPointShortest);
  static const QRegularExpression paddedExponent(QStringLiteral("e([-+])0*(\\d)"));
  text.replace(paddedExponent, QStringLiteral("e\\1\\2"));
  return text.replace(QStringLiteral("e+"), QStringLiteral("e"));
}

// A number editor that shows the shortest exact text ("0.0005", "1e-08"), accepts scientific notation, does not
// change with the mouse wheel unless it has focus (the form scrolls), and knows whether the user changed it, so
// that untouched fields keep their original value bit for bit.
class NumberSpin : public QDoubleSpinBox {
 public:
  NumberSpin(double lo, double hi, bool integer, QWidget* parent) : QDoubleSpinBox(parent), integer_(integer) {
    setDecimals(integer ? 0 : 15);
    setRange(lo, hi);
    setStepType(integer ? DefaultStepType : AdaptiveDecimalStepType);
    setFocusPolicy(Qt::StrongFocus);
    setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    setKeyboardTracking(false);
  }
  // One width for every number in the form, whatever its range, so that the columns line up.
  QSize sizeHint() const override {
    QSize size = QDoubleSpinBox::sizeHint();
    size.setWidth(fontMetrics().horizontalAdvance(QString(widthDigits_, QLatin1Char('0'))) + 36);
    return size;
  }
  QSize minimumSizeHint() const override { return sizeHint(); }
  void setInitial(double initial) {
    setValue(initial);
    shown_ = value();
  }
  bool modified() const { return value() != shown_; }
  bool isInteger() const { return integer_; }
  void setWidthInDigits(int digits) {
    widthDigits_ = digits;
    updateGeometry();
  }

  QString textFromValue(double value) const override {
    if (integer_) return QString::number(value, 'f', 0);
    return shortest(value);
  }
  double valueFromText(const QString& text) const override {
    double value = 0;
    return parseNumber(text, value) ? value : this->value();
  }
  QValidator::State validate(QString& text, int&) const override {
    const QString t = text.trimmed();
    if (t.isEmpty()) return QValidator::Intermediate;
    double value = 0;
    if (parseNumber(t, value) && std::isfinite(value)) {
      if (integer_ && value != std::floor(value)) return QValidator::Invalid;
      return value >= minimum() && value <= maximum() ? QValidator::Acceptable : QValidator::Intermediate;
    }
    static const QRegularExpression partial(QStringLiteral("^[-+]?[0-9]*[.,]?[0-9]*([eE][-+]?[0-9]*)?$"));
    return partial.match(t).hasMatch() ? QValidator::Intermediate : QValidator::Invalid;
  }

 protected:
  void wheelEvent(QWheelEvent* event) override {
    if (hasFocus()) {
      QDoubleSpinBox::wheelEvent(event);
    } else {
      event->ignore();  // to the scroll area
    }
  }

 private:
  bool integer_;
  int widthDigits_ = 10;
  double shown_ = std::numeric_limits<double>::quiet_NaN();
};

// Combo boxes in a scrolling form change only when focused.
class WheelGuard : public QObject {
 public:
  using QObject::QObject;
  bool eventFilter(QObject* watched, QEvent* event) override {
    if (event->type() == QEvent::Wheel) {
      auto* widget = qobject_cast<QWidget*>(watched);
      if (widget && !widget->hasFocus()) {
        event->ignore();
        return true;
      }
    }
    return QObject::eventFilter(watched, event);
  }
};

using train::ExperimentField;
using train::FieldType;
using nlohmann::json;

QString translated(const std::string& text) {
  return text.empty() ? QString() : QCoreApplication::translate("ExperimentField", text.c_str());
}

// Selects `text`, adding it first when the combo box does not list it.
void selectText(QComboBox* combo, const QString& text, const QString& unknownTip) {
  int index = combo->findText(text);
  if (index < 0) {
    combo->addItem(text);
    index = combo->count() - 1;
    combo->setItemData(index, unknownTip, Qt::ToolTipRole);
  }
  combo->setCurrentIndex(index);
}

// "0.5, 1, 2" for a list of numbers; the inverse of parseNumbers.
QString joinNumbers(const json& values) {
  QStringList parts;
  if (values.is_array()) {
    for (const auto& v : values) parts << shortest(v.get<double>());
  }
  return parts.join(QStringLiteral(", "));
}

bool parseNumbers(const QString& text, json& out) {
  out = json::array();
  for (const QString& part : text.split(QRegularExpression(QStringLiteral("[,;\\s]+")), Qt::SkipEmptyParts)) {
    bool ok = false;
    const double value = QLocale::c().toDouble(part, &ok);
    if (!ok || !std::isfinite(value)) return false;
    out.push_back(value);
  }
  return true;
}

}  // namespace

// The editor of one field of the table: which widgets show it, and how to read them back.
struct ExperimentPanel::FieldEditor {
  const ExperimentField* field = nullptr;
  QWidget* row = nullptr;  // what the form shows and hides
  QFormLayout* form = nullptr;
  NumberSpin* spin = nullptr;                  // number, integer
  std::vector<NumberSpin*> spins;              // numbers of a fixed length
  QComboBox* combo = nullptr;                  // choice (and the text fields the app offers choices for)
  QCheckBox* check = nullptr;                  // boolean
  QLineEdit* line = nullptr;                   // text, numbers of any length
  json shown;                                  // the value load() showed
  json parsed;                                 // numbers of any length: the last valid text
};

struct ExperimentPanel::Ui {
  WheelGuard* wheelGuard = nullptr;
  QComboBox* preset = nullptr;
  QPlainTextEdit* description = nullptr;
  QString descriptionLoaded;
  QLabel* validation = nullptr;
  QLabel* lockHint = nullptr;
  QTabWidget* tabs = nullptr;
  std::vector<QWidget*> lockable;

  QGroupBox* synthfaceGroup = nullptr;
  QListWidget* sets = nullptr;
  QPushButton* addSynthFace = nullptr;
  QPushButton* addFiles = nullptr;
  QPushButton* removeSet = nullptr;
  QPushButton* pathBrowse = nullptr;

  QFormLayout* headForm = nullptr;
  QLabel* headDescription = nullptr;
  QFormLayout* headParamsForm = nullptr;
  QLabel* noHeadParams = nullptr;

  std::map<std::string, FieldEditor> editors;
  std::set<std::string> bespoke;  // fields with editors of their own
};

// A tab's groups side by side when the panel is wide enough for them, one above the other when it is not (a laptop
// screen): the panel scrolls down, never sideways, and no group is cut.
class ReflowPage : public QWidget {
 public:
  explicit ReflowPage(QScrollArea* scroll) : QWidget(scroll), layout_(new QBoxLayout(QBoxLayout::LeftToRight, this)) {
    layout_->setSpacing(12);
    layout_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    scroll->viewport()->installEventFilter(this);
  }
  void addColumn(QWidget* column) {
    layout_->addWidget(column, 0, Qt::AlignTop);
    columns_.push_back(column);
  }

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override {
    if (event->type() == QEvent::Resize) reflow(static_cast<QWidget*>(watched)->width());
    return QWidget::eventFilter(watched, event);
  }

 private:
  void reflow(int available) {
    const auto margins = layout_->contentsMargins();
    int sideBySide = margins.left() + margins.right() + layout_->spacing() * (static_cast<int>(columns_.size()) - 1);
    for (QWidget* column : columns_) sideBySide += column->minimumSizeHint().width();
    const auto direction = sideBySide <= available ? QBoxLayout::LeftToRight : QBoxLayout::TopToBottom;
    if (layout_->direction() != direction) layout_->setDirection(direction);
  }

  QBoxLayout* layout_;
  std::vector<QWidget*> columns_;
};

ExperimentPanel::ExperimentPanel(QWidget* parent) : QWidget(parent), ui_(std::make_unique<Ui>()) {
  buildUi();
  load(base_);
}

ExperimentPanel::~ExperimentPanel() = default;

ExperimentPanel::FieldEditor& ExperimentPanel::editor(const std::string& key) { return ui_->editors.at(key); }

QWidget* ExperimentPanel::makeEditor(const std::string& key) {
  const ExperimentField* field = train::find_field(key);
  Q_ASSERT_X(field, "ExperimentPanel", key.c_str());
  FieldEditor e;
  e.field = field;
  const QString name = QString::fromStdString(key);
  QString tip = translated(field->tooltip);
  const auto changed = [this] { edited(); };
  switch (field->type) {
    case FieldType::number:
    case FieldType::integer: {
      e.spin = new NumberSpin(field->range.lo, field->range.hi, field->type == FieldType::integer, this);
      tip += QStringLiteral("\n") + tr("allowed: %1, default: %2")
                                        .arg(QString::fromStdString(field->allowed()),
                                             shortest(field->default_value.get<double>()));
      connect(e.spin, &QDoubleSpinBox::valueChanged, this, changed);
      e.row = e.spin;
      break;
    }
    case FieldType::numbers:
      if (field->count > 0) {
        e.row = new QWidget(this);
        auto* h = new QHBoxLayout(e.row);
        h->setContentsMargins(0, 0, 0, 0);
        for (std::size_t i = 0; i < field->count; ++i) {
          auto* spin = new NumberSpin(field->range.lo, field->range.hi, false, this);
          spin->setObjectName(QStringLiteral("%1.%2").arg(name).arg(i));
          spin->setWidthInDigits(6);
          spin->setToolTip(tip);
          connect(spin, &QDoubleSpinBox::valueChanged, this, changed);
          h->addWidget(spin);
          e.spins.push_back(spin);
        }
        h->addStretch(1);
      } else {
        e.line = new QLineEdit(this);
        e.line->setPlaceholderText(tr("e.g. 12, 20, 24"));
        e.line->setMaximumWidth(fontMetrics().horizontalAdvance(QLatin1Char('0')) * 28);
        connect(e.line, &QLineEdit::textEdited, this, [this, key](const QString& text) {
          FieldEditor& self = editor(key);
          json parsed;
          const bool ok = parseNumbers(text, parsed);
          self.line->setProperty("invalid", !ok);
          updateValidationStyle();
          if (!ok) return;
          self.parsed = parsed;
          edited();
        });
        e.row = e.line;
      }
      break;
    case FieldType::boolean:
      e.check = new QCheckBox(translated(field->label), this);
      connect(e.check, &QCheckBox::toggled, this, changed);
      e.row = e.check;
      break;
    case FieldType::choice:
      e.combo = makeCombo(tip);
      for (const auto& choice : field->choices) {
        e.combo->addItem(QString::fromStdString(choice.name));
        e.combo->setItemData(e.combo->count() - 1, translated(choice.tip), Qt::ToolTipRole);
      }
      connect(e.combo, &QComboBox::currentIndexChanged, this, [this] {
        if (loading_) return;  // load() updates the rows once every editor shows the new experiment
        updateVisibility();
        edited();
      });
      e.row = e.combo;
      break;
    case FieldType::text:
      e.line = new QLineEdit(this);
      connect(e.line, &QLineEdit::textEdited, this, changed);
      e.row = e.line;
      break;
    case FieldType::texts:
      Q_ASSERT_X(false, "ExperimentPanel", "lists of texts have their own editor");
      break;
    case FieldType::schedule:
      e.line = new QLineEdit(this);
      e.line->setPlaceholderText(key == "optimizer.schedule" ? tr("e.g. 5000: lr=0.01")
                                                             : tr("e.g. 0: m=0; 2000: m=0.4"));
      tip +=
          QStringLiteral("\n") + tr("step: name=value, ... ; entries in step order, each in force from the next step");
      connect(e.line, &QLineEdit::textEdited, this, [this, key](const QString& text) {
        FieldEditor& self = editor(key);
        try {
          self.parsed = json(train::schedule_from_text(text.toStdString()));
          self.line->setProperty("invalid", false);
          self.line->setToolTip(translated(self.field->tooltip));
        } catch (const std::exception& error) {
          self.line->setProperty("invalid", true);
          self.line->setToolTip(QString::fromUtf8(error.what()));
          updateValidationStyle();
          return;
        }
        updateValidationStyle();
        edited();
      });
      e.row = e.line;
      break;
  }
  QWidget* named = e.spin ? static_cast<QWidget*>(e.spin) : e.combo ? static_cast<QWidget*>(e.combo)
                   : e.check ? static_cast<QWidget*>(e.check) : e.line ? static_cast<QWidget*>(e.line) : nullptr;
  if (named) {
    named->setObjectName(name);
    named->setToolTip(tip);
  }
  QWidget* row = e.row;
  ui_->editors.emplace(key, std::move(e));
  return row;
}

QComboBox* ExperimentPanel::makeCombo(const QString& tip) {
  auto* box = new QComboBox(this);
  box->setToolTip(tip);
  box->setFocusPolicy(Qt::StrongFocus);
  box->installEventFilter(ui_->wheelGuard);
  box->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  return box;
}

void ExperimentPanel::addRow(QFormLayout* form, const std::string& key, QWidget* row) {
  FieldEditor& e = editor(key);
  e.form = form;
  if (row) e.row = row;
  if (e.check) {
    form->addRow(QString(), e.row);
    return;
  }
  QString label = translated(e.field->label);
  if (!e.field->unit.empty()) label = tr("%1 (%2)", "a field's label and its unit").arg(label, translated(e.field->unit));
  auto* text = new QLabel(label, this);
  text->setBuddy(e.spin ? static_cast<QWidget*>(e.spin) : e.row);
  text->setToolTip(translated(e.field->tooltip));
  form->addRow(text, e.row);
}

void ExperimentPanel::addFields(QFormLayout* form, const std::string& prefix) {
  for (const auto& field : train::experiment_fields()) {
    if (field.key.rfind(prefix, 0) != 0 || ui_->editors.count(field.key) || ui_->bespoke.count(field.key)) continue;
    // Deeper sections have their own group (data.synthface.*).
    if (field.key.find('.', prefix.size()) != std::string::npos) continue;
    makeEditor(field.key);
    addRow(form, field.key);
  }
}

void ExperimentPanel::buildUi() {
  Ui& u = *ui_;
  u.wheelGuard = new WheelGuard(this);
  // Fields with editors of their own below; every other field of the table gets the editor of its type.
  ui_->bespoke = {"description", "eval.sets", "head.kind", "model.backbone"};
  auto* layout = new QVBoxLayout(this);

  auto makeForm = [](QWidget* parent) {
    auto* form = new QFormLayout(parent);
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    form->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
    // A label too long for a narrow panel goes above its field rather than pushing the group wider than the panel.
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);
    return form;
  };
  auto pageOf = [this, &u](const QString& title) {
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto* page = new ReflowPage(scroll);
    scroll->setWidget(page);
    u.tabs->addTab(scroll, title);
    u.lockable.push_back(page);
    return page;
  };
  auto group = [this](const QString& title) {
    auto* box = new QGroupBox(title, this);
    box->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
    return box;
  };
  auto column = [this](std::initializer_list<QWidget*> boxes) {
    auto* widget = new QWidget(this);
    auto* v = new QVBoxLayout(widget);
    v->setContentsMargins(0, 0, 0, 0);
    v->setSpacing(12);
    for (QWidget* box : boxes) v->addWidget(box);
    return widget;
  };
  // A text field with a Browse… button beside it.
  auto browseRow = [this](const std::string& key, QPushButton*& button, auto choose) {
    makeEditor(key);
    FieldEditor& e = editor(key);
    button = new QPushButton(tr("Browse…"), this);
    auto* row = new QWidget(this);
    auto* h = new QHBoxLayout(row);
    h->setContentsMargins(0, 0, 0, 0);
    h->addWidget(e.line, 1);
    h->addWidget(button);
    row->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    e.row = row;
    QLineEdit* line = e.line;
    connect(button, &QPushButton::clicked, this, [this, line, choose] {
      const QString chosen = choose(line->text());
      if (chosen.isEmpty()) return;
      line->setText(chosen);
      edited();
    });
    return row;
  };

  // --- top: name and preset, description, runs folder, messages ---
  auto* top = new QWidget(this);
  auto* topGrid = new QGridLayout(top);
  topGrid->setContentsMargins(0, 0, 0, 0);
  topGrid->setColumnStretch(1, 1);
  auto topLabel = [this, topGrid](const QString& text, int row, int column, QWidget* buddy) {
    auto* label = new QLabel(text, this);
    label->setBuddy(buddy);
    topGrid->addWidget(label, row, column, Qt::AlignRight | (row == 1 ? Qt::AlignTop : Qt::AlignVCenter));
  };
  QWidget* name = makeEditor("name");
  topLabel(translated(train::find_field("name")->label), 0, 0, name);
  topGrid->addWidget(name, 0, 1);
  u.preset = makeCombo(tr("Replace the whole experiment with a preset recipe"));
  u.preset->setObjectName(QStringLiteral("preset"));
  u.preset->setPlaceholderText(tr("Load a preset…"));
  u.preset->setMinimumWidth(fontMetrics().horizontalAdvance(QLatin1Char('x')) * 24);
  connect(u.preset, &QComboBox::activated, this, [this](int index) {
    if (index < 0) return;
    const QString preset = ui_->preset->itemText(index);
    ui_->preset->setCurrentIndex(-1);
    emit presetRequested(preset);
  });
  topLabel(tr("Preset"), 0, 2, u.preset);
  topGrid->addWidget(u.preset, 0, 3);
  u.description = new QPlainTextEdit(this);
  u.description->setObjectName(QStringLiteral("description"));
  u.description->setPlaceholderText(translated(train::find_field("description")->tooltip));
  u.description->setTabChangesFocus(true);
  u.description->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  u.description->setFixedHeight(u.description->fontMetrics().lineSpacing() * 2 + 12);
  connect(u.description, &QPlainTextEdit::textChanged, this, [this] { edited(); });
  topLabel(translated(train::find_field("description")->label), 1, 0, u.description);
  topGrid->addWidget(u.description, 1, 1, 1, 3);
  QPushButton* runsBrowse = nullptr;
  QWidget* runsRow = browseRow("runs_dir", runsBrowse, [this](const QString& current) {
    return QFileDialog::getExistingDirectory(this, tr("Runs folder"), current);
  });
  topLabel(translated(train::find_field("runs_dir")->label), 2, 0, editor("runs_dir").line);
  topGrid->addWidget(runsRow, 2, 1, 1, 3);
  layout->addWidget(top);
  u.lockable.push_back(top);

  u.validation = new QLabel(this);
  u.validation->setObjectName(QStringLiteral("validationMessage"));
  u.validation->setWordWrap(true);
  u.validation->setTextInteractionFlags(Qt::TextSelectableByMouse);
  u.validation->hide();
  layout->addWidget(u.validation);
  u.lockHint = new QLabel(tr("A run is active: the experiment is read-only. Tune the head and the learning rate "
                             "live in the Live hyperparameters panel."),
                          this);
  u.lockHint->setObjectName(QStringLiteral("lockHint"));
  u.lockHint->setWordWrap(true);
  u.lockHint->setForegroundRole(QPalette::PlaceholderText);
  QFont italic = u.lockHint->font();
  italic.setItalic(true);
  u.lockHint->setFont(italic);
  u.lockHint->hide();
  layout->addWidget(u.lockHint);

  u.tabs = new QTabWidget(this);
  u.tabs->setObjectName(QStringLiteral("tabs"));
  layout->addWidget(u.tabs, 1);

  // --- Data ---
  {
    ReflowPage* page = pageOf(tr("Data"));
    auto* sourceBox = group(tr("Source"));
    auto* sourceForm = makeForm(sourceBox);
    makeEditor("data.source");
    addRow(sourceForm, "data.source");
    QWidget* pathRow = browseRow("data.path", u.pathBrowse, [this](const QString& current) {
      if (editor("data.source").combo->currentText() == QLatin1String("recordio")) {
        return QFileDialog::getOpenFileName(this, tr("RecordIO file"), current, tr("RecordIO (*.rec);;All files (*)"));
      }
      return QFileDialog::getExistingDirectory(this, tr("Image folder"), current);
    });
    u.pathBrowse->setObjectName(QStringLiteral("data.browse"));
    editor("data.path").line->setMinimumWidth(fontMetrics().horizontalAdvance(QLatin1Char('x')) * 24);
    addRow(sourceForm, "data.path", pathRow);

    u.synthfaceGroup = new QGroupBox(tr("SynthFace generator"), this);
    addFields(makeForm(u.synthfaceGroup), "data.synthface.");
    sourceForm->addRow(u.synthfaceGroup);

    auto* imageBox = group(tr("Images and augmentation"));
    auto* imageForm = makeForm(imageBox);
    addFields(imageForm, "data.");
    editor("data.image_size").spin->setSingleStep(16);

    auto* setsBox = group(translated(train::find_field("eval.sets")->label));
    auto* setsLayout = new QVBoxLayout(setsBox);
    u.sets = new QListWidget(this);
    u.sets->setObjectName(QStringLiteral("eval.sets"));
    u.sets->setToolTip(translated(train::find_field("eval.sets")->tooltip) + QStringLiteral(" ") +
                       tr("Double-click to edit."));
    u.sets->setSelectionMode(QAbstractItemView::ExtendedSelection);
    u.sets->setFixedHeight(u.sets->fontMetrics().lineSpacing() * 5 + 10);
    connect(u.sets->model(), &QAbstractItemModel::dataChanged, this, [this] { edited(); });
    setsLayout->addWidget(u.sets);
    auto* buttons = new QHBoxLayout;
    u.addSynthFace = new QPushButton(tr("Add SynthFace"), this);
    u.addSynthFace->setObjectName(QStringLiteral("eval.sets.addSynthFace"));
    u.addFiles = new QPushButton(tr("Add files…"), this);
    u.removeSet = new QPushButton(tr("Remove"), this);
    u.removeSet->setObjectName(QStringLiteral("eval.sets.remove"));
    auto addSet = [this](const QString& text) {
      auto* item = new QListWidgetItem(text, ui_->sets);
      item->setFlags(item->flags() | Qt::ItemIsEditable);
    };
    connect(u.addSynthFace, &QPushButton::clicked, this, [this, addSet] {
      if (!ui_->sets->findItems(QStringLiteral("synthface"), Qt::MatchExactly).isEmpty()) return;
      addSet(QStringLiteral("synthface"));
      updateVisibility();
      edited();
    });
    connect(u.addFiles, &QPushButton::clicked, this, [this, addSet] {
      const QStringList files = QFileDialog::getOpenFileNames(
          this, tr("Verification sets"), QFileInfo(editor("data.path").line->text()).absolutePath(),
          tr("Verification sets (*.bin *.txt *.csv *.lst);;All files (*)"));
      for (const QString& file : files) addSet(file);
      if (!files.isEmpty()) edited();
    });
    connect(u.removeSet, &QPushButton::clicked, this, [this] {
      const auto selected = ui_->sets->selectedItems();
      for (QListWidgetItem* item : selected) delete item;
      updateVisibility();
      if (!selected.isEmpty()) edited();
    });
    connect(u.sets, &QListWidget::itemSelectionChanged, this, [this] { updateVisibility(); });
    buttons->addWidget(u.addSynthFace);
    buttons->addWidget(u.addFiles);
    buttons->addWidget(u.removeSet);
    buttons->addStretch(1);
    setsLayout->addLayout(buttons);

    page->addColumn(column({sourceBox, setsBox}));
    page->addColumn(imageBox);
  }

  // --- Model and head: the backbones are the engine's choices (setChoices), the heads the registry's ---
  {
    ReflowPage* page = pageOf(tr("Model and head"));
    auto* modelBox = group(tr("Model"));
    auto* modelForm = makeForm(modelBox);
    for (const char* key : {"model.backbone", "head.kind"}) {
      FieldEditor e;
      e.field = train::find_field(key);
      e.combo = makeCombo(translated(e.field->tooltip));
      e.combo->setObjectName(QString::fromLatin1(key));
      e.row = e.combo;
      ui_->editors.emplace(key, std::move(e));
    }
    connect(editor("model.backbone").combo, &QComboBox::currentIndexChanged, this, [this] { edited(); });
    addRow(modelForm, "model.backbone");
    // Fine-tuning: a weights file of arcface_torch, AdaFace or CVLface, or a run's checkpoint (a shard or
    // model.safetensors stands for its folder).
    QPushButton* weightsBrowse = nullptr;
    QWidget* weightsRow = browseRow("model.init_from", weightsBrowse, [this](const QString& current) {
      return QFileDialog::getOpenFileName(this, tr("Start from weights"), current,
                                          tr("Weights (*.pth *.pt *.ckpt *.safetensors);;All files (*)"));
    });
    weightsBrowse->setObjectName(QStringLiteral("model.init_from.browse"));
    addRow(modelForm, "model.init_from", weightsRow);
    addFields(modelForm, "model.");

    auto* headBox = group(tr("Head"));
    u.headForm = makeForm(headBox);
    QComboBox* headKind = editor("head.kind").combo;
    headKind->setMinimumWidth(fontMetrics().horizontalAdvance(QLatin1Char('x')) * 26);
    for (const auto& head : heads::head_registry()) {
      headKind->addItem(QString::fromStdString(head.kind));
      headKind->setItemData(headKind->count() - 1,
                            QString::fromStdString(head.title + ": " + head.description), Qt::ToolTipRole);
    }
    connect(headKind, &QComboBox::currentIndexChanged, this, [this] { headKindChanged(); });
    addRow(u.headForm, "head.kind");
    u.headDescription = new QLabel(this);
    u.headDescription->setObjectName(QStringLiteral("head.description"));
    u.headDescription->setWordWrap(true);
    u.headDescription->setForegroundRole(QPalette::PlaceholderText);
    u.headForm->addRow(QString(), u.headDescription);
    addFields(u.headForm, "head.");
    auto* params = new QWidget(this);
    u.headParamsForm = makeForm(params);
    u.headParamsForm->setContentsMargins(0, 0, 0, 0);
    u.headForm->addRow(params);
    u.noHeadParams = new QLabel(tr("This head kind is not in the registry: it has no parameters to show."), this);
    u.noHeadParams->setForegroundRole(QPalette::PlaceholderText);
    u.noHeadParams->setWordWrap(true);
    u.headForm->addRow(u.noHeadParams);

    page->addColumn(modelBox);
    page->addColumn(headBox);
  }

  // --- Optimiser and schedule ---
  {
    ReflowPage* page = pageOf(tr("Optimiser and schedule"));
    auto* optBox = group(tr("Optimiser"));
    addFields(makeForm(optBox), "optimizer.");
    auto* schedBox = group(tr("Learning-rate schedule"));
    addFields(makeForm(schedBox), "schedule.");
    page->addColumn(optBox);
    page->addColumn(schedBox);
  }

  // --- Training ---
  {
    ReflowPage* page = pageOf(tr("Training"));
    auto* trainBox = group(tr("Training"));
    addFields(makeForm(trainBox), "train.");
    page->addColumn(trainBox);
  }

  // --- Reports, checkpoints, evaluation ---
  {
    ReflowPage* page = pageOf(tr("Reports and evaluation"));
    auto* reportBox = group(tr("Telemetry"));
    addFields(makeForm(reportBox), "report.");
    auto* checkpointBox = group(tr("Checkpoints"));
    addFields(makeForm(checkpointBox), "checkpoint.");
    auto* evalBox = group(tr("Evaluation"));
    addFields(makeForm(evalBox), "eval.");
    page->addColumn(reportBox);
    page->addColumn(column({checkpointBox, evalBox}));
  }

  // Every field of the table has a place in the form.
  for (const auto& field : train::experiment_fields()) {
    Q_ASSERT_X(ui_->editors.count(field.key) || ui_->bespoke.count(field.key), "ExperimentPanel", field.key.c_str());
  }
  updateValidationStyle();
}

void ExperimentPanel::edited() {
  if (!loading_) emit experimentEdited();
}

void ExperimentPanel::setChoices(const ExperimentChoices& choices) {
  const train::Experiment current = experiment();
  auto byKind = headParamsByKind_;
  choices_ = choices;
  Ui& u = *ui_;
  loading_ = true;
  u.preset->clear();
  u.preset->addItems(choices_.presets);
  u.preset->setCurrentIndex(-1);
  u.preset->setEnabled(!choices_.presets.isEmpty() && !locked_);
  QComboBox* backbone = editor("model.backbone").combo;
  backbone->clear();
  backbone->addItems(choices_.backbones);
  loading_ = false;
  load(current);
  headParamsByKind_ = std::move(byKind);
}

void ExperimentPanel::setExperiment(const train::Experiment& experiment) {
  headParamsByKind_.clear();
  load(experiment);
}

void ExperimentPanel::load(const train::Experiment& experiment) {
  Ui& u = *ui_;
  loading_ = true;
  base_ = experiment;
  u.descriptionLoaded = QString::fromStdString(experiment.description);
  u.description->setPlainText(u.descriptionLoaded);
  for (auto& [key, e] : ui_->editors) {
    const json value = train::field_value(*e.field, experiment);
    e.shown = value;
    if (e.spin) {
      e.spin->setInitial(value.get<double>());
    } else if (!e.spins.empty()) {
      for (std::size_t i = 0; i < e.spins.size(); ++i) e.spins[i]->setInitial(value.at(i).get<double>());
    } else if (e.check) {
      e.check->setChecked(value.get<bool>());
    } else if (e.combo && key != "head.kind") {
      selectText(e.combo, QString::fromStdString(value.get<std::string>()), tr("Not in the engine's list"));
    } else if (e.line && e.field->type == FieldType::numbers) {
      e.line->setText(joinNumbers(value));
      e.line->setProperty("invalid", false);
      e.parsed = value;
    } else if (e.line && e.field->type == FieldType::schedule) {
      e.line->setText(QString::fromStdString(train::schedule_to_text(value.get<train::ParamSchedule>())));
      e.line->setProperty("invalid", false);
      e.parsed = value;
    } else if (e.line) {
      e.line->setText(QString::fromStdString(value.get<std::string>()));
    }
  }
  u.sets->clear();
  for (const auto& set : experiment.eval.sets) {
    auto* item = new QListWidgetItem(QString::fromStdString(set), u.sets);
    item->setFlags(item->flags() | Qt::ItemIsEditable);
  }
  headParams_ = experiment.head.params;
  headKind_ = QString::fromStdString(experiment.head.kind);
  try {
    // An older kind name (an alias in the head registry) shows as the head with that choice made.
    const auto chosen = heads::canonical_head(experiment.head.kind, experiment.head.params);
    headKind_ = QString::fromStdString(chosen.head->kind);
    headParams_ = chosen.values;
  } catch (const std::exception&) {
    // Unknown kind or a conflicting choice: shown as given; the validation line says what is wrong.
  }
  selectText(editor("head.kind").combo, headKind_, tr("Not in the engine's list of heads"));
  rebuildHeadRows();
  updateVisibility();
  updateValidationStyle();
  loading_ = false;
}

train::Experiment ExperimentPanel::experiment() const {
  const Ui& u = *ui_;
  train::Experiment e = base_;
  if (u.description->toPlainText() != u.descriptionLoaded) e.description = u.description->toPlainText().toStdString();
  for (const auto& [key, editor] : ui_->editors) {
    if (key == "head.kind") continue;
    const bool integer = editor.field->type == FieldType::integer;
    if (editor.spin) {
      // Untouched numbers keep the experiment's value bit for bit (and an integer stays an integer).
      if (editor.spin->modified()) {
        const double v = editor.spin->value();
        editor.field->set(e, integer ? json(static_cast<std::int64_t>(std::llround(v))) : json(v));
      }
    } else if (!editor.spins.empty()) {
      json values = editor.shown;
      bool modified = false;
      for (std::size_t i = 0; i < editor.spins.size(); ++i) {
        if (!editor.spins[i]->modified()) continue;
        values[i] = editor.spins[i]->value();
        modified = true;
      }
      if (modified) editor.field->set(e, values);
    } else if (editor.check) {
      if (editor.check->isChecked() != editor.shown.get<bool>()) editor.field->set(e, editor.check->isChecked());
    } else if (editor.combo) {
      const std::string chosen = editor.combo->currentText().toStdString();
      if (editor.combo->currentIndex() >= 0 && chosen != editor.shown.get<std::string>()) {
        editor.field->set(e, chosen);
      }
    } else if (editor.line && (editor.field->type == FieldType::numbers || editor.field->type == FieldType::schedule)) {
      if (editor.parsed != editor.shown) editor.field->set(e, editor.parsed);
    } else if (editor.line) {
      const std::string text = editor.line->text().toStdString();
      if (text != editor.shown.get<std::string>()) editor.field->set(e, text);
    }
  }
  e.eval.sets.clear();
  for (int i = 0; i < u.sets->count(); ++i) {
    const QString text = u.sets->item(i)->text().trimmed();
    if (!text.isEmpty()) e.eval.sets.push_back(text.toStdString());
  }
  e.head.kind = headKind_.toStdString();
  e.head.params = headParams_;
  return e;
}

void ExperimentPanel::headKindChanged() {
  QComboBox* combo = editor("head.kind").combo;
  const QString kind = combo->currentText();
  if (combo->currentIndex() < 0 || kind == headKind_) return;
  if (!loading_) {
    // Keep what was set for the kind being left, in case the user comes back to it.
    headParamsByKind_[headKind_] = headParams_;
    const auto it = headParamsByKind_.find(kind);
    headParams_ = it != headParamsByKind_.end() ? it->second : heads::HeadValues{};
  }
  headKind_ = kind;
  rebuildHeadRows();
  updateVisibility();
  edited();
}

std::vector<heads::ParamValue> ExperimentPanel::shownHeadParameters() const {
  const auto* head = heads::find_head(headKind_.toStdString());
  if (!head) return {};
  try {
    return head->resolve(headParams_);
  } catch (const std::exception&) {
    return head->params;
  }
}

void ExperimentPanel::rebuildHeadRows() {
  Ui& u = *ui_;
  while (u.headParamsForm->rowCount() > 0) u.headParamsForm->removeRow(0);
  QComboBox* combo = editor("head.kind").combo;
  const int index = combo->currentIndex();
  const QString description = index >= 0 ? combo->itemData(index, Qt::ToolTipRole).toString() : QString();
  u.headDescription->setText(description);
  combo->setToolTip(description.isEmpty() ? translated(editor("head.kind").field->tooltip) : description);
  const auto* head = heads::find_head(headKind_.toStdString());
  u.noHeadParams->setVisible(!head);
  if (!head) return;
  const bool wasLoading = loading_;
  loading_ = true;
  for (const heads::ParamValue& p : shownHeadParameters()) {
    const QString name = QString::fromStdString(p.name);
    const auto given = headParams_.find(p.name);
    QWidget* field = nullptr;
    if (p.type == heads::HeadParamType::choice) {
      auto* choice = makeCombo(QString::fromStdString(p.help));
      for (const auto& c : p.choices) {
        choice->addItem(QString::fromStdString(c.name));
        choice->setItemData(choice->count() - 1, QString::fromStdString(c.tip), Qt::ToolTipRole);
      }
      const auto* chosen = given != headParams_.end() ? std::get_if<std::string>(&given->second) : nullptr;
      selectText(choice, QString::fromStdString(chosen ? *chosen : p.choice), tr("Not one of the head's choices"));
      choice->setToolTip(QString::fromStdString(p.help) + QStringLiteral("\n") +
                         tr("fixed for a run; default: %1").arg(QString::fromStdString(p.choices.front().name)));
      connect(choice, &QComboBox::currentIndexChanged, this, [this, choice, key = p.name] {
        if (loading_) return;
        headParams_[key] = choice->currentText().toStdString();
        headChoiceChanged();
      });
      field = choice;
    } else {
      const double lo = std::isfinite(p.lo) ? p.lo : -kHuge;
      const double hi = std::isfinite(p.hi) ? p.hi : kHuge;
      auto* spin = new NumberSpin(lo, hi, p.type == heads::HeadParamType::integer, this);
      const QString range = QString::fromStdString(Range{p.lo, p.hi, p.lo_open, p.hi_open}.describe());
      spin->setToolTip(QString::fromStdString(p.help) + QStringLiteral("\n") +
                       tr("allowed: %1, default: %2").arg(range, shortest(p.value)));
      const auto* number = given != headParams_.end() ? std::get_if<double>(&given->second) : nullptr;
      spin->setInitial(number ? *number : p.value);
      connect(spin, &QDoubleSpinBox::valueChanged, this, [this, spin, key = p.name] {
        if (loading_) return;
        headParams_[key] = spin->value();
        edited();
      });
      field = spin;
    }
    field->setObjectName(QStringLiteral("head.params.") + name);
    auto* label = new QLabel(name, this);
    label->setToolTip(field->toolTip());
    u.headParamsForm->addRow(label, field);
  }
  loading_ = wasLoading;
}

void ExperimentPanel::headChoiceChanged() {
  // A choice can move the defaults of the numbers (ElasticFace's m and σ per form): numbers not set explicitly follow.
  const bool wasLoading = loading_;
  loading_ = true;
  for (const heads::ParamValue& p : shownHeadParameters()) {
    if (p.type == heads::HeadParamType::choice || headParams_.count(p.name)) continue;
    if (auto* spin = findChild<NumberSpin*>(QStringLiteral("head.params.") + QString::fromStdString(p.name))) {
      spin->setInitial(p.value);
    }
  }
  loading_ = wasLoading;
  edited();
}

void ExperimentPanel::updateVisibility() {
  Ui& u = *ui_;
  const train::Experiment shown = experiment();
  for (const auto& [key, e] : ui_->editors) {
    if (e.form && e.field->applies_when) e.form->setRowVisible(e.row, e.field->applies_to(shown));
  }
  u.synthfaceGroup->setVisible(train::find_field("data.synthface.seed")->applies_to(shown));
  const bool synthface = shown.data.source == "synthface";
  const bool recordio = shown.data.source == "recordio";
  u.pathBrowse->setToolTip(recordio ? tr("Choose a .rec file") : tr("Choose the folder of identity folders"));
  editor("data.path").line->setPlaceholderText(recordio ? tr("a folder with train.rec and train.idx, or a .rec file")
                                                        : tr("a folder with one subfolder per identity"));
  const bool hasSynthFaceSet = !u.sets->findItems(QStringLiteral("synthface"), Qt::MatchExactly).isEmpty();
  u.addSynthFace->setEnabled(synthface && !hasSynthFaceSet);
  u.addSynthFace->setToolTip(synthface ? tr("The generator's held-out identities")
                                       : tr("Only for data source synthface"));
  u.removeSet->setEnabled(!u.sets->selectedItems().isEmpty());
}

void ExperimentPanel::setValidationMessage(const QString& message) {
  ui_->validation->setText(message);
  ui_->validation->setVisible(!message.isEmpty());
  updateValidationStyle();
}

QString ExperimentPanel::validationMessage() const { return ui_->validation->text(); }

void ExperimentPanel::updateValidationStyle() {
  const QString red = errorColor(palette()).name();
  ui_->validation->setStyleSheet(
      QStringLiteral("QLabel { color: %1; border: 1px solid %1; border-radius: 3px; padding: 4px 6px; }").arg(red));
  for (auto& [key, e] : ui_->editors) {
    if (!e.line || (e.field->type != FieldType::numbers && e.field->type != FieldType::schedule)) continue;
    e.line->setStyleSheet(e.line->property("invalid").toBool()
                              ? QStringLiteral("QLineEdit { border: 2px solid %1; border-radius: 3px; }").arg(red)
                              : QString());
  }
}

void ExperimentPanel::setLocked(bool locked) {
  locked_ = locked;
  for (QWidget* w : ui_->lockable) w->setEnabled(!locked);
  ui_->preset->setEnabled(!locked && ui_->preset->count() > 0);
  ui_->lockHint->setVisible(locked);
}

void ExperimentPanel::changeEvent(QEvent* event) {
  if (event->type() == QEvent::PaletteChange) updateValidationStyle();
  QWidget::changeEvent(event);
}

}  // namespace marginlab::widgets
