#include "widgets/experiment_panel.h"

#include <QCheckBox>
#include <QComboBox>
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
#include <type_traits>

namespace marginlab::widgets {
namespace {

constexpr double kHuge = 1e300;                      // stands for an infinite bound in a spin box
constexpr double kHugeInt = 1099511627776.0;         // 2^40, the experiment reader's integer limit

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

template <class Enum>
struct EnumName {
  const char* name;
  Enum value;
};

const EnumName<train::OptimizerKind> kOptimizers[] = {{"sgd", train::OptimizerKind::sgd},
                                                      {"adamw", train::OptimizerKind::adamw}};
const EnumName<train::ScheduleKind> kSchedules[] = {{"constant", train::ScheduleKind::constant},
                                                    {"multistep", train::ScheduleKind::multistep},
                                                    {"cosine", train::ScheduleKind::cosine},
                                                    {"poly", train::ScheduleKind::poly}};
const EnumName<train::Precision> kPrecisions[] = {
    {"fp32", train::Precision::fp32}, {"fp16", train::Precision::fp16}, {"bf16", train::Precision::bf16}};
const EnumName<train::DeviceChoice> kDevices[] = {{"auto", train::DeviceChoice::automatic},
                                                  {"cpu", train::DeviceChoice::cpu},
                                                  {"cuda", train::DeviceChoice::cuda}};
const EnumName<heads::KappaStatisticsSource> kKappaStatistics[] = {
    {"memory", heads::KappaStatisticsSource::memory_buffer},
    {"momentum_encoder", heads::KappaStatisticsSource::momentum_encoder}};
const EnumName<eval::FlipTest> kFlipTests[] = {{"none", eval::FlipTest::none},
                                               {"sum", eval::FlipTest::sum},
                                               {"norm_weighted", eval::FlipTest::norm_weighted}};

template <class Enum, std::size_t N>
void fillEnum(QComboBox* combo, const EnumName<Enum> (&names)[N], const QStringList& tips) {
  for (std::size_t i = 0; i < N; ++i) {
    combo->addItem(QString::fromLatin1(names[i].name), static_cast<int>(names[i].value));
    if (static_cast<int>(i) < tips.size()) combo->setItemData(static_cast<int>(i), tips[int(i)], Qt::ToolTipRole);
  }
}

template <class Enum>
void selectEnum(QComboBox* combo, Enum value) {
  combo->setCurrentIndex(combo->findData(static_cast<int>(value)));
}

template <class Enum>
Enum enumOf(const QComboBox* combo, Enum fallback) {
  return combo->currentIndex() < 0 ? fallback : static_cast<Enum>(combo->currentData().toInt());
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

template <class T>
void take(const NumberSpin* spin, T& field) {
  if (!spin->modified()) return;
  if constexpr (std::is_integral_v<T>) {
    field = static_cast<T>(std::llround(spin->value()));
  } else {
    field = static_cast<T>(spin->value());
  }
}

void take(const QLineEdit* edit, std::string& field) {
  if (edit->text() != QString::fromStdString(field)) field = edit->text().toStdString();
}

struct SynthFaceKnob {
  const char* key;
  double defaultValue;  // data::SynthFaceConfig's default (engine/data/synthface.h)
  double lo, hi;        // the generator's ranges (SynthFaceConfig::validate)
  bool integer;
  const char* label;
  const char* tip;
};

const SynthFaceKnob kSynthFaceKnobs[] = {
    {"seed", 1, 0, kHugeInt, true, QT_TRANSLATE_NOOP("marginlab::widgets::ExperimentPanel", "Seed"),
     QT_TRANSLATE_NOOP("marginlab::widgets::ExperimentPanel", "Generator seed: identities, images and pairs")},
    {"identities", 200, 2, 1000000, true, QT_TRANSLATE_NOOP("marginlab::widgets::ExperimentPanel", "Identities"),
     QT_TRANSLATE_NOOP("marginlab::widgets::ExperimentPanel", "Training identities (classes)")},
    {"max_images_per_identity", 60, 1, 100000, true,
     QT_TRANSLATE_NOOP("marginlab::widgets::ExperimentPanel", "Max images per identity"),
     QT_TRANSLATE_NOOP("marginlab::widgets::ExperimentPanel", "Size of the largest class")},
    {"imbalance_ratio", 10, 1, 100000, false,
     QT_TRANSLATE_NOOP("marginlab::widgets::ExperimentPanel", "Imbalance ratio"),
     QT_TRANSLATE_NOOP("marginlab::widgets::ExperimentPanel",
                       "Largest over smallest class size (power-law long tail); at most the max images per identity")},
    {"low_quality_fraction", 0.4, 0, 1, false,
     QT_TRANSLATE_NOOP("marginlab::widgets::ExperimentPanel", "Low-quality fraction"),
     QT_TRANSLATE_NOOP("marginlab::widgets::ExperimentPanel", "Weight of the low-quality part of the quality mixture")},
    {"verification_identities", 100, 2, 1000000, true,
     QT_TRANSLATE_NOOP("marginlab::widgets::ExperimentPanel", "Verification identities"),
     QT_TRANSLATE_NOOP("marginlab::widgets::ExperimentPanel", "Held-out identities for the verification pairs")},
    {"pairs_per_stratum", 500, 2, 10000000, true,
     QT_TRANSLATE_NOOP("marginlab::widgets::ExperimentPanel", "Pairs per stratum"),
     QT_TRANSLATE_NOOP("marginlab::widgets::ExperimentPanel", "Verification pairs per quality stratum, half genuine")},
};
constexpr int kSynthFaceKnobCount = sizeof(kSynthFaceKnobs) / sizeof(kSynthFaceKnobs[0]);

}  // namespace

struct ExperimentPanel::Ui {
  WheelGuard* wheelGuard = nullptr;
  QComboBox* preset = nullptr;
  QLineEdit* name = nullptr;
  QPlainTextEdit* description = nullptr;
  QString descriptionLoaded;
  QLineEdit* runsDir = nullptr;
  QPushButton* runsDirBrowse = nullptr;
  QLabel* validation = nullptr;
  QLabel* lockHint = nullptr;
  QTabWidget* tabs = nullptr;
  std::vector<QWidget*> lockable;

  // Data
  QFormLayout* sourceForm = nullptr;
  QComboBox* source = nullptr;
  QWidget* pathRow = nullptr;
  QLineEdit* path = nullptr;
  QPushButton* pathBrowse = nullptr;
  QGroupBox* synthfaceGroup = nullptr;
  NumberSpin* knobs[kSynthFaceKnobCount] = {};
  bool knobChanged[kSynthFaceKnobCount] = {};
  NumberSpin* imageSize = nullptr;
  QComboBox* colorOrder = nullptr;
  NumberSpin* mean[3] = {};
  NumberSpin* std[3] = {};
  NumberSpin* flip = nullptr;
  NumberSpin* crop = nullptr;
  NumberSpin* lowResolution = nullptr;
  NumberSpin* photometric = nullptr;
  NumberSpin* loaderThreads = nullptr;
  NumberSpin* prefetch = nullptr;
  QListWidget* sets = nullptr;
  QPushButton* addSynthFace = nullptr;
  QPushButton* addFiles = nullptr;
  QPushButton* removeSet = nullptr;

  // Model and head
  QComboBox* backbone = nullptr;
  NumberSpin* embeddingDim = nullptr;
  NumberSpin* dropout = nullptr;
  QCheckBox* channelsLast = nullptr;
  QFormLayout* headForm = nullptr;
  QComboBox* headKind = nullptr;
  QLabel* headDescription = nullptr;
  QComboBox* kappaStatistics = nullptr;
  QFormLayout* headParamsForm = nullptr;
  QLabel* noHeadParams = nullptr;

  // Optimiser and schedule
  QFormLayout* optimizerForm = nullptr;
  QComboBox* optimizer = nullptr;
  NumberSpin* lr = nullptr;
  NumberSpin* momentum = nullptr;
  QWidget* betasRow = nullptr;
  NumberSpin* betas[2] = {};
  NumberSpin* adamEps = nullptr;
  NumberSpin* weightDecay = nullptr;
  NumberSpin* clip = nullptr;
  QFormLayout* scheduleForm = nullptr;
  QComboBox* schedule = nullptr;
  NumberSpin* warmup = nullptr;
  QLineEdit* milestones = nullptr;
  std::vector<double> milestonesParsed;
  bool milestonesModified = false;
  NumberSpin* gamma = nullptr;
  NumberSpin* minLr = nullptr;
  NumberSpin* power = nullptr;

  // Training
  NumberSpin* epochs = nullptr;
  NumberSpin* maxSteps = nullptr;
  NumberSpin* batchSize = nullptr;
  QComboBox* device = nullptr;
  QComboBox* precision = nullptr;
  NumberSpin* threads = nullptr;
  NumberSpin* seed = nullptr;

  // Reports, checkpoints, evaluation
  NumberSpin* reportEvery = nullptr;
  NumberSpin* reportSamples = nullptr;
  NumberSpin* histogramBins = nullptr;
  NumberSpin* saveEvery = nullptr;
  NumberSpin* checkpointEvery = nullptr;
  NumberSpin* evalEvery = nullptr;
  QCheckBox* evalAtEnd = nullptr;
  QComboBox* flipTest = nullptr;
  NumberSpin* evalBatch = nullptr;
};

ExperimentPanel::ExperimentPanel(QWidget* parent) : QWidget(parent), ui_(std::make_unique<Ui>()) {
  buildUi();
  load(base_);
}

ExperimentPanel::~ExperimentPanel() = default;

void ExperimentPanel::buildUi() {
  Ui& u = *ui_;
  u.wheelGuard = new WheelGuard(this);
  auto* layout = new QVBoxLayout(this);

  auto makeForm = [](QWidget* parent) {
    auto* form = new QFormLayout(parent);
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    form->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
    form->setRowWrapPolicy(QFormLayout::DontWrapRows);
    return form;
  };
  auto number = [this](const char* key, double lo, double hi, bool integer, const QString& tip) {
    auto* spin = new NumberSpin(lo, hi, integer, this);
    spin->setObjectName(QString::fromLatin1(key));
    spin->setToolTip(tip);
    connect(spin, &QDoubleSpinBox::valueChanged, this, [this] { edited(); });
    return spin;
  };
  auto combo = [this, &u](const char* key, const QString& tip) {
    auto* box = new QComboBox(this);
    box->setObjectName(QString::fromLatin1(key));
    box->setToolTip(tip);
    box->setFocusPolicy(Qt::StrongFocus);
    box->installEventFilter(u.wheelGuard);
    box->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    return box;
  };
  auto probability = [&number](const char* key, const QString& tip) { return number(key, 0, 1, false, tip); };
  auto pageOf = [this, &u](const QString& title) {
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* page = new QWidget(scroll);
    auto* grid = new QGridLayout(page);
    grid->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    grid->setHorizontalSpacing(12);
    grid->setVerticalSpacing(12);
    scroll->setWidget(page);
    u.tabs->addTab(scroll, title);
    u.lockable.push_back(page);
    return grid;
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
  auto browseRow = [this](QLineEdit* edit, QPushButton* button) {
    auto* row = new QWidget(this);
    auto* h = new QHBoxLayout(row);
    h->setContentsMargins(0, 0, 0, 0);
    h->addWidget(edit, 1);
    h->addWidget(button);
    row->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
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
  u.name = new QLineEdit(this);
  u.name->setObjectName(QStringLiteral("name"));
  u.name->setToolTip(tr("Names the run directories; no '/'"));
  connect(u.name, &QLineEdit::textEdited, this, [this] { edited(); });
  topLabel(tr("Name"), 0, 0, u.name);
  topGrid->addWidget(u.name, 0, 1);
  u.preset = combo("preset", tr("Replace the whole experiment with a preset recipe"));
  u.preset->setPlaceholderText(tr("Load a preset…"));
  u.preset->setMinimumWidth(fontMetrics().horizontalAdvance(QLatin1Char('x')) * 24);
  connect(u.preset, &QComboBox::activated, this, [this](int index) {
    if (index < 0) return;
    const QString name = ui_->preset->itemText(index);
    ui_->preset->setCurrentIndex(-1);
    emit presetRequested(name);
  });
  topLabel(tr("Preset"), 0, 2, u.preset);
  topGrid->addWidget(u.preset, 0, 3);
  u.description = new QPlainTextEdit(this);
  u.description->setObjectName(QStringLiteral("description"));
  u.description->setPlaceholderText(tr("Where the recipe comes from, what the run is for"));
  u.description->setTabChangesFocus(true);
  u.description->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  u.description->setFixedHeight(u.description->fontMetrics().lineSpacing() * 2 + 12);
  connect(u.description, &QPlainTextEdit::textChanged, this, [this] { edited(); });
  topLabel(tr("Description"), 1, 0, u.description);
  topGrid->addWidget(u.description, 1, 1, 1, 3);
  u.runsDir = new QLineEdit(this);
  u.runsDir->setObjectName(QStringLiteral("runs_dir"));
  u.runsDir->setToolTip(tr("Where run directories are created (relative to the working directory)"));
  connect(u.runsDir, &QLineEdit::textEdited, this, [this] { edited(); });
  u.runsDirBrowse = new QPushButton(tr("Browse…"), this);
  connect(u.runsDirBrowse, &QPushButton::clicked, this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Runs folder"), ui_->runsDir->text());
    if (dir.isEmpty()) return;
    ui_->runsDir->setText(dir);
    edited();
  });
  topLabel(tr("Runs folder"), 2, 0, u.runsDir);
  topGrid->addWidget(browseRow(u.runsDir, u.runsDirBrowse), 2, 1, 1, 3);
  layout->addWidget(top);
  u.lockable.push_back(top);

  u.validation = new QLabel(this);
  u.validation->setObjectName(QStringLiteral("validationMessage"));
  u.validation->setWordWrap(true);
  u.validation->setTextInteractionFlags(Qt::TextSelectableByMouse);
  u.validation->hide();
  layout->addWidget(u.validation);
  u.lockHint = new QLabel(tr("A run is active: the experiment is read-only. Tune the head and the learning rate "
                             "live in the Live parameters panel."),
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
    QGridLayout* page = pageOf(tr("Data"));
    auto* sourceBox = group(tr("Source"));
    u.sourceForm = makeForm(sourceBox);
    u.source = combo("data.source", tr("Where the training images come from"));
    u.source->addItem(QStringLiteral("synthface"));
    u.source->setItemData(0, tr("Synthetic faces with known identity and image quality"), Qt::ToolTipRole);
    u.source->addItem(QStringLiteral("image_folder"));
    u.source->setItemData(1, tr("A folder with one subfolder of images per identity"), Qt::ToolTipRole);
    u.source->addItem(QStringLiteral("recordio"));
    u.source->setItemData(2, tr("An insightface train.rec (with train.idx beside it)"), Qt::ToolTipRole);
    connect(u.source, &QComboBox::currentIndexChanged, this, [this] {
      updateVisibility();
      edited();
    });
    u.sourceForm->addRow(tr("Source"), u.source);
    u.path = new QLineEdit(this);
    u.path->setObjectName(QStringLiteral("data.path"));
    u.path->setMinimumWidth(fontMetrics().horizontalAdvance(QLatin1Char('x')) * 24);
    connect(u.path, &QLineEdit::textEdited, this, [this] { edited(); });
    u.pathBrowse = new QPushButton(tr("Browse…"), this);
    u.pathBrowse->setObjectName(QStringLiteral("data.browse"));
    connect(u.pathBrowse, &QPushButton::clicked, this, [this] {
      QString chosen;
      if (ui_->source->currentText() == QLatin1String("recordio")) {
        chosen = QFileDialog::getOpenFileName(this, tr("RecordIO file"), ui_->path->text(),
                                              tr("RecordIO (*.rec);;All files (*)"));
      } else {
        chosen = QFileDialog::getExistingDirectory(this, tr("Image folder"), ui_->path->text());
      }
      if (chosen.isEmpty()) return;
      ui_->path->setText(chosen);
      edited();
    });
    u.pathRow = browseRow(u.path, u.pathBrowse);
    u.sourceForm->addRow(tr("Path"), u.pathRow);

    u.synthfaceGroup = new QGroupBox(tr("SynthFace generator"), this);
    auto* knobForm = makeForm(u.synthfaceGroup);
    for (int i = 0; i < kSynthFaceKnobCount; ++i) {
      const SynthFaceKnob& k = kSynthFaceKnobs[i];
      const QString key = QStringLiteral("data.synthface.") + QLatin1String(k.key);
      NumberSpin* spin = number(key.toLatin1().constData(), k.lo, k.hi, k.integer,
                                tr(k.tip) + QStringLiteral("\n") + tr("default: %1").arg(shortest(k.defaultValue)));
      connect(spin, &QDoubleSpinBox::valueChanged, this, [this, i] {
        if (!loading_) ui_->knobChanged[i] = true;
      });
      u.knobs[i] = spin;
      knobForm->addRow(tr(k.label), spin);
    }
    u.sourceForm->addRow(u.synthfaceGroup);

    auto* imageBox = group(tr("Images and augmentation"));
    auto* imageForm = makeForm(imageBox);
    u.imageSize = number("data.image_size", 16, 1024, true, tr("Square side the network sees (multiple of 16)"));
    u.imageSize->setSingleStep(16);
    imageForm->addRow(tr("Image size (px)"), u.imageSize);
    u.colorOrder = combo("data.color_order", tr("Channel order of the tensors the network sees"));
    u.colorOrder->addItems({QStringLiteral("rgb"), QStringLiteral("bgr")});
    connect(u.colorOrder, &QComboBox::currentIndexChanged, this, [this] { edited(); });
    imageForm->addRow(tr("Colour order"), u.colorOrder);
    auto triple = [this, &number](NumberSpin* (&spins)[3], const char* key, double hi, const QString& tip) {
      auto* row = new QWidget(this);
      auto* h = new QHBoxLayout(row);
      h->setContentsMargins(0, 0, 0, 0);
      for (int c = 0; c < 3; ++c) {
        const QString name = QStringLiteral("%1.%2").arg(QLatin1String(key)).arg(c);
        spins[c] = number(name.toLatin1().constData(), 0, hi, false, tip);
        spins[c]->setWidthInDigits(6);
        h->addWidget(spins[c]);
      }
      h->addStretch(1);
      return row;
    };
    imageForm->addRow(tr("Mean"), triple(u.mean, "data.mean", 1, tr("Per channel on [0, 1] pixels, in tensor order")));
    imageForm->addRow(tr("Std"), triple(u.std, "data.std", 10, tr("Per channel on [0, 1] pixels, in tensor order")));
    u.flip = probability("data.flip", tr("Probability of a horizontal flip"));
    imageForm->addRow(tr("Flip probability"), u.flip);
    u.crop = probability("data.crop", tr("Probability of a random crop (AdaFace: 0.2)"));
    imageForm->addRow(tr("Crop probability"), u.crop);
    u.lowResolution = probability("data.low_resolution", tr("Probability of down- and up-sampling (AdaFace: 0.2)"));
    imageForm->addRow(tr("Low-resolution probability"), u.lowResolution);
    u.photometric = probability("data.photometric", tr("Probability of a brightness/contrast/saturation jitter "
                                                       "(AdaFace: 0.2)"));
    imageForm->addRow(tr("Photometric probability"), u.photometric);
    u.loaderThreads = number("data.loader_threads", 1, 256, true, tr("Threads decoding and augmenting images"));
    imageForm->addRow(tr("Loader threads"), u.loaderThreads);
    u.prefetch = number("data.prefetch_batches", 1, 1024, true, tr("Batches prepared ahead of the trainer"));
    imageForm->addRow(tr("Prefetch batches"), u.prefetch);

    auto* setsBox = group(tr("Validation sets"));
    auto* setsLayout = new QVBoxLayout(setsBox);
    u.sets = new QListWidget(this);
    u.sets->setObjectName(QStringLiteral("eval.sets"));
    u.sets->setToolTip(tr("\"synthface\" (held-out SynthFace identities) or verification files: insightface .bin "
                          "packs and pair lists. Relative paths are looked up beside the dataset first. "
                          "Double-click to edit."));
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
          this, tr("Verification sets"), QFileInfo(ui_->path->text()).absolutePath(),
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

    page->addWidget(column({sourceBox, setsBox}), 0, 0, Qt::AlignTop);
    page->addWidget(imageBox, 0, 1, Qt::AlignTop);
  }

  // --- Model and head ---
  {
    QGridLayout* page = pageOf(tr("Model and head"));
    auto* modelBox = group(tr("Model"));
    auto* modelForm = makeForm(modelBox);
    u.backbone = combo("model.backbone", tr("Backbone network"));
    connect(u.backbone, &QComboBox::currentIndexChanged, this, [this] { edited(); });
    modelForm->addRow(tr("Backbone"), u.backbone);
    u.embeddingDim = number("model.embedding_dim", 2, 65536, true, tr("Length of the face embedding"));
    modelForm->addRow(tr("Embedding dimension"), u.embeddingDim);
    u.dropout = number("model.dropout", 0, 0.999, false, tr("Dropout before the embedding layer"));
    modelForm->addRow(tr("Dropout"), u.dropout);
    u.channelsLast = new QCheckBox(tr("Channels-last memory format"), this);
    u.channelsLast->setObjectName(QStringLiteral("model.channels_last"));
    u.channelsLast->setToolTip(tr("NHWC convolutions: usually much faster on CPUs"));
    connect(u.channelsLast, &QCheckBox::toggled, this, [this] { edited(); });
    modelForm->addRow(QString(), u.channelsLast);

    auto* headBox = group(tr("Head"));
    u.headForm = makeForm(headBox);
    u.headKind = combo("head.kind", tr("Margin loss"));
    u.headKind->setMinimumWidth(fontMetrics().horizontalAdvance(QLatin1Char('x')) * 26);
    connect(u.headKind, &QComboBox::currentIndexChanged, this, [this] { headKindChanged(); });
    u.headForm->addRow(tr("Kind"), u.headKind);
    u.headDescription = new QLabel(this);
    u.headDescription->setObjectName(QStringLiteral("head.description"));
    u.headDescription->setWordWrap(true);
    u.headDescription->setForegroundRole(QPalette::PlaceholderText);
    u.headForm->addRow(QString(), u.headDescription);
    u.kappaStatistics = combo("head.kappa_statistics", tr("Where KappaFace's class statistics come from"));
    fillEnum(u.kappaStatistics, kKappaStatistics,
             {tr("Per-sample memory buffer of normalised features (the authors' memory.py)"),
              tr("Features of a momentum encoder, an EMA copy of the backbone (the shipped configuration)")});
    connect(u.kappaStatistics, &QComboBox::currentIndexChanged, this, [this] { edited(); });
    u.headForm->addRow(tr("Class statistics"), u.kappaStatistics);
    auto* params = new QWidget(this);
    u.headParamsForm = makeForm(params);
    u.headParamsForm->setContentsMargins(0, 0, 0, 0);
    u.headForm->addRow(params);
    u.noHeadParams = new QLabel(tr("The engine lists no parameters for this head kind."), this);
    u.noHeadParams->setForegroundRole(QPalette::PlaceholderText);
    u.noHeadParams->setWordWrap(true);
    u.headForm->addRow(u.noHeadParams);

    page->addWidget(modelBox, 0, 0, Qt::AlignTop);
    page->addWidget(headBox, 0, 1, Qt::AlignTop);
  }

  // --- Optimiser and schedule ---
  {
    QGridLayout* page = pageOf(tr("Optimiser and schedule"));
    auto* optBox = group(tr("Optimiser"));
    u.optimizerForm = makeForm(optBox);
    u.optimizer = combo("optimizer.kind", tr("Optimiser"));
    fillEnum(u.optimizer, kOptimizers, {tr("SGD with momentum (the face-recognition recipes)"), tr("AdamW")});
    connect(u.optimizer, &QComboBox::currentIndexChanged, this, [this] {
      updateVisibility();
      edited();
    });
    u.optimizerForm->addRow(tr("Kind"), u.optimizer);
    u.lr = number("optimizer.lr", 0, 100, false, tr("Base learning rate, in (0, 100]; the schedule scales it"));
    u.optimizerForm->addRow(tr("Learning rate"), u.lr);
    u.momentum = number("optimizer.momentum", 0, 0.999999, false, tr("SGD momentum"));
    u.optimizerForm->addRow(tr("Momentum"), u.momentum);
    u.betasRow = new QWidget(this);
    {
      auto* h = new QHBoxLayout(u.betasRow);
      h->setContentsMargins(0, 0, 0, 0);
      for (int i = 0; i < 2; ++i) {
        const QString name = QStringLiteral("optimizer.betas.%1").arg(i);
        u.betas[i] = number(name.toLatin1().constData(), 0, 0.999999, false, tr("AdamW β%1").arg(i + 1));
        h->addWidget(u.betas[i]);
      }
      h->addStretch(1);
    }
    u.optimizerForm->addRow(tr("Betas"), u.betasRow);
    u.adamEps = number("optimizer.eps", 0, 1, false, tr("AdamW ε"));
    u.optimizerForm->addRow(tr("Epsilon"), u.adamEps);
    u.weightDecay = number("optimizer.weight_decay", 0, 1, false,
                           tr("On conv/FC weights and the head kernel; never on BatchNorm"));
    u.optimizerForm->addRow(tr("Weight decay"), u.weightDecay);
    u.clip = number("optimizer.clip_grad_norm", 0, kHuge, false, tr("Global gradient-norm clip; 0: no clipping"));
    u.optimizerForm->addRow(tr("Clip gradient norm"), u.clip);

    auto* schedBox = group(tr("Learning-rate schedule"));
    u.scheduleForm = makeForm(schedBox);
    u.schedule = combo("schedule.kind", tr("How the learning rate changes over the epochs"));
    fillEnum(u.schedule, kSchedules,
             {tr("Constant after the warm-up"), tr("Multiplied by gamma at each milestone epoch"),
              tr("Cosine decay to the minimum learning rate"), tr("Polynomial decay to the minimum learning rate")});
    connect(u.schedule, &QComboBox::currentIndexChanged, this, [this] {
      updateVisibility();
      edited();
    });
    u.scheduleForm->addRow(tr("Kind"), u.schedule);
    u.warmup = number("schedule.warmup_epochs", 0, 1e6, false, tr("Linear warm-up from 0 (fractional epochs allowed)"));
    u.scheduleForm->addRow(tr("Warm-up epochs"), u.warmup);
    u.milestones = new QLineEdit(this);
    u.milestones->setObjectName(QStringLiteral("schedule.milestones"));
    u.milestones->setPlaceholderText(tr("e.g. 12, 20, 24"));
    u.milestones->setMaximumWidth(fontMetrics().horizontalAdvance(QLatin1Char('0')) * 28);
    u.milestones->setToolTip(tr("Epochs at which the learning rate is multiplied by gamma, comma separated"));
    connect(u.milestones, &QLineEdit::textEdited, this, [this](const QString& text) {
      std::vector<double> parsed;
      bool ok = true;
      for (const QString& part : text.split(QRegularExpression(QStringLiteral("[,;\\s]+")), Qt::SkipEmptyParts)) {
        bool partOk = false;
        const double value = QLocale::c().toDouble(part, &partOk);
        if (!partOk || !std::isfinite(value)) {
          ok = false;
          break;
        }
        parsed.push_back(value);
      }
      ui_->milestones->setProperty("invalid", !ok);
      updateValidationStyle();
      if (!ok) return;
      ui_->milestonesParsed = parsed;
      ui_->milestonesModified = true;
      edited();
    });
    u.scheduleForm->addRow(tr("Milestones (epochs)"), u.milestones);
    u.gamma = number("schedule.gamma", 0, 1, false, tr("Factor at each milestone, in (0, 1]"));
    u.scheduleForm->addRow(tr("Gamma"), u.gamma);
    u.minLr = number("schedule.min_lr", 0, 100, false, tr("Floor of the cosine / polynomial decay"));
    u.scheduleForm->addRow(tr("Minimum learning rate"), u.minLr);
    u.power = number("schedule.power", 0, 100, false, tr("Exponent of the polynomial decay"));
    u.scheduleForm->addRow(tr("Power"), u.power);

    page->addWidget(optBox, 0, 0, Qt::AlignTop);
    page->addWidget(schedBox, 0, 1, Qt::AlignTop);
  }

  // --- Training ---
  {
    QGridLayout* page = pageOf(tr("Training"));
    auto* trainBox = group(tr("Training"));
    auto* form = makeForm(trainBox);
    u.epochs = number("train.epochs", 1, 100000, true, tr("Passes over the training data"));
    form->addRow(tr("Epochs"), u.epochs);
    u.maxSteps = number("train.max_steps", 0, kHugeInt, true, tr("Stop after this many steps; 0: no limit"));
    form->addRow(tr("Max steps"), u.maxSteps);
    u.batchSize = number("train.batch_size", 1, 1 << 20, true, tr("Images per step"));
    form->addRow(tr("Batch size"), u.batchSize);
    u.device = combo("train.device", tr("Where the model runs"));
    fillEnum(u.device, kDevices, {tr("CUDA when available, else the CPU"), tr("The CPU"), tr("The first CUDA GPU")});
    connect(u.device, &QComboBox::currentIndexChanged, this, [this] { edited(); });
    form->addRow(tr("Device"), u.device);
    u.precision = combo("train.precision", tr("Arithmetic precision"));
    fillEnum(u.precision, kPrecisions,
             {tr("32-bit floats everywhere"), tr("fp16 autocast on CUDA; the head stays in fp32"),
              tr("bf16 autocast on CUDA; the head stays in fp32")});
    connect(u.precision, &QComboBox::currentIndexChanged, this, [this] { edited(); });
    form->addRow(tr("Precision"), u.precision);
    u.threads = number("train.threads", 0, 1024, true, tr("Intra-op threads; 0: all cores"));
    form->addRow(tr("Threads"), u.threads);
    u.seed = number("train.seed", 0, kHugeInt, true, tr("Seed of the initialisation, shuffling and augmentation"));
    form->addRow(tr("Seed"), u.seed);
    page->addWidget(trainBox, 0, 0, Qt::AlignTop);
  }

  // --- Reports, checkpoints, evaluation ---
  {
    QGridLayout* page = pageOf(tr("Reports and evaluation"));
    auto* reportBox = group(tr("Telemetry"));
    auto* reportForm = makeForm(reportBox);
    u.reportEvery = number("report.every_steps", 1, kHugeInt, true,
                           tr("Steps between snapshots of the per-sample and per-class diagnostics"));
    reportForm->addRow(tr("Snapshot every (steps)"), u.reportEvery);
    u.reportSamples = number("report.samples", 1, 1 << 20, true, tr("Most recent samples kept for a snapshot"));
    reportForm->addRow(tr("Samples per snapshot"), u.reportSamples);
    u.histogramBins = number("report.histogram_bins", 2, 4096, true, tr("Bins of the feature-norm histogram"));
    reportForm->addRow(tr("Histogram bins"), u.histogramBins);
    u.saveEvery = number("report.save_every_steps", 0, kHugeInt, true,
                         tr("Snapshots written to the run directory for replay; 0: none"));
    reportForm->addRow(tr("Save snapshot every (steps)"), u.saveEvery);

    auto* checkpointBox = group(tr("Checkpoints"));
    auto* checkpointForm = makeForm(checkpointBox);
    u.checkpointEvery = number("checkpoint.every_steps", 0, kHugeInt, true, tr("0: only at the end and at stop"));
    checkpointForm->addRow(tr("Every (steps)"), u.checkpointEvery);

    auto* evalBox = group(tr("Evaluation"));
    auto* evalForm = makeForm(evalBox);
    u.evalEvery = number("eval.every_steps", 0, kHugeInt, true,
                         tr("Verification during training; 0: only at the end"));
    evalForm->addRow(tr("Every (steps)"), u.evalEvery);
    u.evalAtEnd = new QCheckBox(tr("Evaluate at the end of the run"), this);
    u.evalAtEnd->setObjectName(QStringLiteral("eval.at_end"));
    connect(u.evalAtEnd, &QCheckBox::toggled, this, [this] { edited(); });
    evalForm->addRow(QString(), u.evalAtEnd);
    u.flipTest = combo("eval.flip_test", tr("How an embedding is combined with its mirror image's"));
    fillEnum(u.flipTest, kFlipTests,
             {tr("The image alone"), tr("unit(u + u_flip): both views count equally"),
              tr("The sum of the raw features: the higher-norm view dominates (insightface, AdaFace)")});
    connect(u.flipTest, &QComboBox::currentIndexChanged, this, [this] { edited(); });
    evalForm->addRow(tr("Flip test"), u.flipTest);
    u.evalBatch = number("eval.batch_size", 0, 1 << 20, true, tr("0: the training batch size"));
    evalForm->addRow(tr("Batch size"), u.evalBatch);

    page->addWidget(reportBox, 0, 0, Qt::AlignTop);
    page->addWidget(column({checkpointBox, evalBox}), 0, 1, Qt::AlignTop);
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
  u.backbone->clear();
  u.backbone->addItems(choices_.backbones);
  u.headKind->clear();
  for (const auto& [kind, description] : choices_.headKinds) {
    u.headKind->addItem(kind);
    u.headKind->setItemData(u.headKind->count() - 1, description, Qt::ToolTipRole);
  }
  loading_ = false;
  load(current);
  headParamsByKind_ = std::move(byKind);
}

void ExperimentPanel::setExperiment(const train::Experiment& experiment) {
  headParamsByKind_.clear();
  load(experiment);
}

void ExperimentPanel::load(const train::Experiment& e) {
  Ui& u = *ui_;
  loading_ = true;
  base_ = e;
  u.name->setText(QString::fromStdString(e.name));
  u.descriptionLoaded = QString::fromStdString(e.description);
  u.description->setPlainText(u.descriptionLoaded);
  u.runsDir->setText(QString::fromStdString(e.runs_dir));

  // Data
  selectText(u.source, QString::fromStdString(e.data.source), tr("Not a known source"));
  u.path->setText(QString::fromStdString(e.data.path));
  for (int i = 0; i < kSynthFaceKnobCount; ++i) {
    const SynthFaceKnob& k = kSynthFaceKnobs[i];
    double value = k.defaultValue;
    if (e.data.synthface.is_object()) {
      const auto it = e.data.synthface.find(k.key);
      if (it != e.data.synthface.end() && it->is_number()) value = it->get<double>();
    }
    u.knobs[i]->setInitial(value);
    u.knobChanged[i] = false;
  }
  u.imageSize->setInitial(static_cast<double>(e.data.image_size));
  selectText(u.colorOrder, QString::fromStdString(e.data.color_order), tr("Not a known channel order"));
  for (int c = 0; c < 3; ++c) {
    u.mean[c]->setInitial(e.data.mean[c]);
    u.std[c]->setInitial(e.data.std[c]);
  }
  u.flip->setInitial(e.data.flip);
  u.crop->setInitial(e.data.crop);
  u.lowResolution->setInitial(e.data.low_resolution);
  u.photometric->setInitial(e.data.photometric);
  u.loaderThreads->setInitial(e.data.loader_threads);
  u.prefetch->setInitial(e.data.prefetch_batches);
  u.sets->clear();
  for (const auto& set : e.eval.sets) {
    auto* item = new QListWidgetItem(QString::fromStdString(set), u.sets);
    item->setFlags(item->flags() | Qt::ItemIsEditable);
  }

  // Model and head
  selectText(u.backbone, QString::fromStdString(e.model.backbone), tr("Not in the engine's list"));
  u.embeddingDim->setInitial(static_cast<double>(e.model.embedding_dim));
  u.dropout->setInitial(e.model.dropout);
  u.channelsLast->setChecked(e.model.channels_last);
  headParams_ = e.head.params;
  headKind_ = QString::fromStdString(e.head.kind);
  selectText(u.headKind, headKind_, tr("Not in the engine's list of heads"));
  selectEnum(u.kappaStatistics, e.head.kappa_statistics);
  rebuildHeadRows();

  // Optimiser and schedule
  selectEnum(u.optimizer, e.optimizer.kind);
  u.lr->setInitial(e.optimizer.lr);
  u.momentum->setInitial(e.optimizer.momentum);
  u.betas[0]->setInitial(e.optimizer.betas[0]);
  u.betas[1]->setInitial(e.optimizer.betas[1]);
  u.adamEps->setInitial(e.optimizer.eps);
  u.weightDecay->setInitial(e.optimizer.weight_decay);
  u.clip->setInitial(e.optimizer.clip_grad_norm);
  selectEnum(u.schedule, e.schedule.kind);
  u.warmup->setInitial(e.schedule.warmup_epochs);
  QStringList milestones;
  for (double m : e.schedule.milestones) milestones << shortest(m);
  u.milestones->setText(milestones.join(QStringLiteral(", ")));
  u.milestones->setProperty("invalid", false);
  u.milestonesParsed = e.schedule.milestones;
  u.milestonesModified = false;
  u.gamma->setInitial(e.schedule.gamma);
  u.minLr->setInitial(e.schedule.min_lr);
  u.power->setInitial(e.schedule.power);

  // Training
  u.epochs->setInitial(static_cast<double>(e.train.epochs));
  u.maxSteps->setInitial(static_cast<double>(e.train.max_steps));
  u.batchSize->setInitial(static_cast<double>(e.train.batch_size));
  selectEnum(u.device, e.train.device);
  selectEnum(u.precision, e.train.precision);
  u.threads->setInitial(e.train.threads);
  u.seed->setInitial(static_cast<double>(e.train.seed));

  // Reports, checkpoints, evaluation
  u.reportEvery->setInitial(static_cast<double>(e.report.every_steps));
  u.reportSamples->setInitial(static_cast<double>(e.report.samples));
  u.histogramBins->setInitial(static_cast<double>(e.report.histogram_bins));
  u.saveEvery->setInitial(static_cast<double>(e.report.save_every_steps));
  u.checkpointEvery->setInitial(static_cast<double>(e.checkpoint.every_steps));
  u.evalEvery->setInitial(static_cast<double>(e.eval.every_steps));
  u.evalAtEnd->setChecked(e.eval.at_end);
  selectEnum(u.flipTest, e.eval.flip_test);
  u.evalBatch->setInitial(static_cast<double>(e.eval.batch_size));

  updateVisibility();
  updateValidationStyle();
  loading_ = false;
}

train::Experiment ExperimentPanel::experiment() const {
  const Ui& u = *ui_;
  train::Experiment e = base_;
  take(u.name, e.name);
  if (u.description->toPlainText() != u.descriptionLoaded) e.description = u.description->toPlainText().toStdString();
  take(u.runsDir, e.runs_dir);

  if (u.source->currentIndex() >= 0) e.data.source = u.source->currentText().toStdString();
  take(u.path, e.data.path);
  for (int i = 0; i < kSynthFaceKnobCount; ++i) {
    if (!u.knobChanged[i]) continue;
    if (!e.data.synthface.is_object()) e.data.synthface = nlohmann::json::object();
    const SynthFaceKnob& k = kSynthFaceKnobs[i];
    if (k.integer) {
      e.data.synthface[k.key] = static_cast<std::int64_t>(std::llround(u.knobs[i]->value()));
    } else {
      e.data.synthface[k.key] = u.knobs[i]->value();
    }
  }
  take(u.imageSize, e.data.image_size);
  if (u.colorOrder->currentIndex() >= 0) e.data.color_order = u.colorOrder->currentText().toStdString();
  for (int c = 0; c < 3; ++c) {
    take(u.mean[c], e.data.mean[c]);
    take(u.std[c], e.data.std[c]);
  }
  take(u.flip, e.data.flip);
  take(u.crop, e.data.crop);
  take(u.lowResolution, e.data.low_resolution);
  take(u.photometric, e.data.photometric);
  take(u.loaderThreads, e.data.loader_threads);
  take(u.prefetch, e.data.prefetch_batches);
  e.eval.sets.clear();
  for (int i = 0; i < u.sets->count(); ++i) {
    const QString text = u.sets->item(i)->text().trimmed();
    if (!text.isEmpty()) e.eval.sets.push_back(text.toStdString());
  }

  if (u.backbone->currentIndex() >= 0) e.model.backbone = u.backbone->currentText().toStdString();
  take(u.embeddingDim, e.model.embedding_dim);
  take(u.dropout, e.model.dropout);
  e.model.channels_last = u.channelsLast->isChecked();
  e.head.kind = headKind_.toStdString();
  e.head.params = headParams_;
  if (headKind_ == QLatin1String("kappaface")) {
    e.head.kappa_statistics = enumOf(u.kappaStatistics, e.head.kappa_statistics);
  } else if (e.head.kind != base_.head.kind) {
    e.head.kappa_statistics = heads::KappaStatisticsSource::memory_buffer;  // only KappaFace has a choice
  }

  e.optimizer.kind = enumOf(u.optimizer, e.optimizer.kind);
  take(u.lr, e.optimizer.lr);
  take(u.momentum, e.optimizer.momentum);
  take(u.betas[0], e.optimizer.betas[0]);
  take(u.betas[1], e.optimizer.betas[1]);
  take(u.adamEps, e.optimizer.eps);
  take(u.weightDecay, e.optimizer.weight_decay);
  take(u.clip, e.optimizer.clip_grad_norm);
  e.schedule.kind = enumOf(u.schedule, e.schedule.kind);
  take(u.warmup, e.schedule.warmup_epochs);
  if (u.milestonesModified) e.schedule.milestones = u.milestonesParsed;
  take(u.gamma, e.schedule.gamma);
  take(u.minLr, e.schedule.min_lr);
  take(u.power, e.schedule.power);

  take(u.epochs, e.train.epochs);
  take(u.maxSteps, e.train.max_steps);
  take(u.batchSize, e.train.batch_size);
  e.train.device = enumOf(u.device, e.train.device);
  e.train.precision = enumOf(u.precision, e.train.precision);
  take(u.threads, e.train.threads);
  take(u.seed, e.train.seed);

  take(u.reportEvery, e.report.every_steps);
  take(u.reportSamples, e.report.samples);
  take(u.histogramBins, e.report.histogram_bins);
  take(u.saveEvery, e.report.save_every_steps);
  take(u.checkpointEvery, e.checkpoint.every_steps);
  take(u.evalEvery, e.eval.every_steps);
  e.eval.at_end = u.evalAtEnd->isChecked();
  e.eval.flip_test = enumOf(u.flipTest, e.eval.flip_test);
  take(u.evalBatch, e.eval.batch_size);
  return e;
}

void ExperimentPanel::headKindChanged() {
  const QString kind = ui_->headKind->currentText();
  if (ui_->headKind->currentIndex() < 0 || kind == headKind_) return;
  if (!loading_) {
    // Keep what was set for the kind being left, in case the user comes back to it.
    headParamsByKind_[headKind_] = headParams_;
    const auto it = headParamsByKind_.find(kind);
    headParams_ = it != headParamsByKind_.end() ? it->second : std::map<std::string, double>{};
  }
  headKind_ = kind;
  rebuildHeadRows();
  updateVisibility();
  edited();
}

void ExperimentPanel::rebuildHeadRows() {
  Ui& u = *ui_;
  while (u.headParamsForm->rowCount() > 0) u.headParamsForm->removeRow(0);
  const int index = u.headKind->currentIndex();
  const QString description = index >= 0 ? u.headKind->itemData(index, Qt::ToolTipRole).toString() : QString();
  u.headDescription->setText(description);
  u.headKind->setToolTip(description.isEmpty() ? tr("Margin loss") : description);
  const auto it = choices_.headParams.find(headKind_);
  const bool known = it != choices_.headParams.end();
  u.noHeadParams->setVisible(!known || it->second.empty());
  if (!known) return;
  const bool wasLoading = loading_;
  loading_ = true;
  for (const heads::ParamValue& p : it->second) {
    const double lo = std::isfinite(p.lo) ? p.lo : -kHuge;
    const double hi = std::isfinite(p.hi) ? p.hi : kHuge;
    auto* spin = new NumberSpin(lo, hi, false, this);
    const QString name = QString::fromStdString(p.name);
    spin->setObjectName(QStringLiteral("head.params.") + name);
    const QString range = QStringLiteral("%1%2, %3%4")
                              .arg(p.lo_open ? QStringLiteral("(") : QStringLiteral("["),
                                   std::isinf(p.lo) ? QStringLiteral("-inf") : shortest(p.lo),
                                   std::isinf(p.hi) ? QStringLiteral("inf") : shortest(p.hi),
                                   p.hi_open ? QStringLiteral(")") : QStringLiteral("]"));
    spin->setToolTip(QString::fromStdString(p.help) + QStringLiteral("\n") +
                     tr("allowed: %1, default: %2").arg(range, shortest(p.value)));
    const auto given = headParams_.find(p.name);
    spin->setInitial(given != headParams_.end() ? given->second : p.value);
    connect(spin, &QDoubleSpinBox::valueChanged, this, [this, spin, key = p.name] {
      if (loading_) return;
      headParams_[key] = spin->value();
      edited();
    });
    auto* label = new QLabel(name, this);
    label->setToolTip(spin->toolTip());
    u.headParamsForm->addRow(label, spin);
  }
  loading_ = wasLoading;
}

void ExperimentPanel::updateVisibility() {
  Ui& u = *ui_;
  const QString source = u.source->currentText();
  const bool synthface = source == QLatin1String("synthface");
  u.sourceForm->setRowVisible(u.pathRow, !synthface);
  u.synthfaceGroup->setVisible(synthface);
  u.pathBrowse->setToolTip(source == QLatin1String("recordio") ? tr("Choose a .rec file")
                                                               : tr("Choose the folder of identity folders"));
  u.path->setPlaceholderText(source == QLatin1String("recordio")
                                 ? tr("a folder with train.rec and train.idx, or a .rec file")
                                 : tr("a folder with one subfolder per identity"));
  const bool hasSynthFaceSet = !u.sets->findItems(QStringLiteral("synthface"), Qt::MatchExactly).isEmpty();
  u.addSynthFace->setEnabled(synthface && !hasSynthFaceSet);
  u.addSynthFace->setToolTip(synthface ? tr("The generator's held-out identities")
                                       : tr("Only for data source synthface"));
  u.removeSet->setEnabled(!u.sets->selectedItems().isEmpty());

  u.headForm->setRowVisible(u.kappaStatistics, headKind_ == QLatin1String("kappaface"));

  const auto opt = enumOf(u.optimizer, train::OptimizerKind::sgd);
  u.optimizerForm->setRowVisible(u.momentum, opt == train::OptimizerKind::sgd);
  u.optimizerForm->setRowVisible(u.betasRow, opt == train::OptimizerKind::adamw);
  u.optimizerForm->setRowVisible(u.adamEps, opt == train::OptimizerKind::adamw);

  const auto kind = enumOf(u.schedule, train::ScheduleKind::constant);
  using train::ScheduleKind;
  u.scheduleForm->setRowVisible(u.milestones, kind == ScheduleKind::multistep);
  u.scheduleForm->setRowVisible(u.gamma, kind == ScheduleKind::multistep);
  u.scheduleForm->setRowVisible(u.minLr, kind == ScheduleKind::cosine || kind == ScheduleKind::poly);
  u.scheduleForm->setRowVisible(u.power, kind == ScheduleKind::poly);
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
  ui_->milestones->setStyleSheet(ui_->milestones->property("invalid").toBool()
                                     ? QStringLiteral("QLineEdit { border: 2px solid %1; border-radius: 3px; }")
                                           .arg(red)
                                     : QString());
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
