#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QtTest>

#include "core/experiment/experiment_fields.h"
#include "widgets/experiment_panel.h"

using marginlab::heads::ParamValue;
using marginlab::widgets::ExperimentChoices;
using marginlab::widgets::ExperimentPanel;
namespace train = marginlab::train;

namespace {

constexpr double kHalfPi = 1.5707963267948966;

ExperimentChoices choices() {
  ExperimentChoices c;
  c.backbones = {"ir18", "ir50", "ir100", "mobilefacenet"};
  c.presets = {"adaface-webface4m", "kappaface-ms1mv2"};
  return c;
}

// Every field different from its default, with numbers a rounding editor would change.
train::Experiment unusual() {
  train::Experiment e;
  e.name = "kappa-ablation-γ";
  e.description = "KappaFace on a long tail\nsecond line";
  e.runs_dir = "/data/runs";
  e.data.source = "recordio";
  e.data.path = "/data/ms1m/train.rec";
  e.data.synthface = {{"seed", 7}, {"family_size", 2}, {"identity_spread", 0.25}};
  e.data.image_size = 96;
  e.data.color_order = "bgr";
  e.data.mean = {0.485f, 0.456f, 0.406f};
  e.data.std = {0.229f, 0.224f, 0.225f};
  e.data.flip = 0.45;
  e.data.crop = 0.2;
  e.data.low_resolution = 0.2;
  e.data.photometric = 1.0 / 3.0;
  e.data.loader_threads = 6;
  e.data.prefetch_batches = 9;
  e.model.backbone = "iresnet34";  // an alias the choices do not list
  e.model.embedding_dim = 256;
  e.model.dropout = 0.4;
  e.model.channels_last = false;
  e.head.kind = "kappaface";
  e.head.params = {{"m0", kHalfPi / 3}, {"gamma", 0.6}, {"statistics", std::string("momentum_encoder")}};
  e.optimizer.kind = train::OptimizerKind::adamw;
  e.optimizer.lr = 3e-4;
  e.optimizer.momentum = 0.85;
  e.optimizer.weight_decay = 5e-4;
  e.optimizer.betas = {0.85, 0.9995};
  e.optimizer.eps = 1e-7;
  e.optimizer.clip_grad_norm = 5.5;
  e.schedule.kind = train::ScheduleKind::poly;
  e.schedule.warmup_epochs = 0.25;
  e.schedule.milestones = {12.5, 20, 24};
  e.schedule.gamma = 0.2;
  e.schedule.min_lr = 1e-6;
  e.schedule.power = 1.5;
  e.train.epochs = 26;
  e.train.max_steps = 123456789012;
  e.train.batch_size = 512;
  e.train.precision = train::Precision::bf16;
  e.train.device = train::DeviceChoice::cuda;
  e.train.threads = 12;
  e.train.seed = 1099511627775;
  e.report.every_steps = 25;
  e.report.samples = 4096;
  e.report.histogram_bins = 64;
  e.report.save_every_steps = 0;
  e.checkpoint.every_steps = 2000;
  e.eval.every_steps = 5000;
  e.eval.at_end = false;
  e.eval.sets = {"lfw.bin", "/data/ijb/pairs.txt"};
  e.eval.flip_test = marginlab::eval::FlipTest::sum;
  e.eval.batch_size = 256;
  return e;
}

// Names the first field that differs.
QString difference(const train::Experiment& a, const train::Experiment& b) {
#define SAME(field)                                     \
  if (!(a.field == b.field)) return QStringLiteral(#field);
  SAME(name) SAME(description) SAME(runs_dir)
  SAME(data.source) SAME(data.path) SAME(data.synthface) SAME(data.image_size) SAME(data.color_order)
  SAME(data.mean) SAME(data.std) SAME(data.flip) SAME(data.crop) SAME(data.low_resolution) SAME(data.photometric)
  SAME(data.loader_threads) SAME(data.prefetch_batches)
  SAME(model.backbone) SAME(model.embedding_dim) SAME(model.dropout) SAME(model.channels_last)
  SAME(head.kind) SAME(head.params)
  SAME(optimizer.kind) SAME(optimizer.lr) SAME(optimizer.momentum) SAME(optimizer.weight_decay)
  SAME(optimizer.betas) SAME(optimizer.eps) SAME(optimizer.clip_grad_norm)
  SAME(schedule.kind) SAME(schedule.warmup_epochs) SAME(schedule.milestones) SAME(schedule.gamma)
  SAME(schedule.min_lr) SAME(schedule.power)
  SAME(train.epochs) SAME(train.max_steps) SAME(train.batch_size) SAME(train.precision) SAME(train.device)
  SAME(train.threads) SAME(train.seed)
  SAME(report.every_steps) SAME(report.samples) SAME(report.histogram_bins) SAME(report.save_every_steps)
  SAME(checkpoint.every_steps)
  SAME(eval.every_steps) SAME(eval.at_end) SAME(eval.sets) SAME(eval.flip_test) SAME(eval.batch_size)
#undef SAME
  return QString();
}

template <class T>
T* child(const ExperimentPanel& panel, const char* name) {
  T* widget = panel.findChild<T*>(QString::fromLatin1(name));
  if (widget == nullptr) qFatal("no child %s", name);
  return widget;
}

void pick(QComboBox* combo, const QString& text) {
  const int index = combo->findText(text);
  QVERIFY2(index >= 0, qPrintable(text));
  combo->setCurrentIndex(index);
}

}  // namespace

class TestExperimentPanel : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void defaultExperimentRoundTrips() {
    ExperimentPanel panel;
    panel.setChoices(choices());
    panel.setExperiment(train::Experiment{});
    QCOMPARE(difference(panel.experiment(), train::Experiment{}), QString());
  }

  void nonDefaultExperimentRoundTripsExactly() {
    ExperimentPanel panel;
    panel.setChoices(choices());
    QSignalSpy edited(&panel, &ExperimentPanel::experimentEdited);
    const train::Experiment e = unusual();
    panel.setExperiment(e);
    QCOMPARE(edited.count(), 0);
    QCOMPARE(difference(panel.experiment(), e), QString());
    // New choices keep the experiment shown.
    panel.setChoices(choices());
    QCOMPARE(difference(panel.experiment(), e), QString());
    QCOMPARE(edited.count(), 0);
    // The alias the choices do not list is selectable, the kind's parameters show the given values.
    QCOMPARE(child<QComboBox>(panel, "model.backbone")->currentText(), QStringLiteral("iresnet34"));
    QCOMPARE(child<QDoubleSpinBox>(panel, "head.params.gamma")->value(), 0.6);
    QCOMPARE(child<QDoubleSpinBox>(panel, "head.params.temperature")->value(), 0.4);  // the default, not written
    QCOMPARE(child<QLineEdit>(panel, "schedule.milestones")->text(), QStringLiteral("12.5, 20, 24"));
  }

  void editsReachTheExperimentAndSignal() {
    ExperimentPanel panel;
    panel.setChoices(choices());
    panel.setExperiment(unusual());
    QSignalSpy edited(&panel, &ExperimentPanel::experimentEdited);
    child<QDoubleSpinBox>(panel, "optimizer.lr")->setValue(0.05);
    QCOMPARE(edited.count(), 1);
    child<QDoubleSpinBox>(panel, "head.params.temperature")->setValue(0.5);
    pick(child<QComboBox>(panel, "train.precision"), QStringLiteral("fp16"));
    auto* milestones = child<QLineEdit>(panel, "schedule.milestones");
    milestones->selectAll();
    QTest::keyClicks(milestones, QStringLiteral("10, 18"));
    const train::Experiment e = panel.experiment();
    QCOMPARE(e.optimizer.lr, 0.05);
    QCOMPARE(std::get<double>(e.head.params.at("temperature")), 0.5);
    QCOMPARE(std::get<double>(e.head.params.at("gamma")), 0.6);
    QCOMPARE(e.train.precision, train::Precision::fp16);
    QCOMPARE(e.schedule.milestones, (std::vector<double>{10, 18}));
    QCOMPARE(e.optimizer.weight_decay, 5e-4);  // untouched
    QVERIFY(edited.count() >= 4);

    // Text that is not a list of numbers is marked and does not replace the last valid list.
    QTest::keyClicks(milestones, QStringLiteral(", x"));
    QVERIFY(!milestones->styleSheet().isEmpty());
    QCOMPARE(panel.experiment().schedule.milestones, (std::vector<double>{10, 18}));
  }

  // head.schedule and optimizer.schedule edited as text ("step: name=value, ...; ..."), shown back the same way.
  void schedulesAreEditedAsText() {
    ExperimentPanel panel;
    panel.setChoices(choices());
    auto experiment = unusual();
    experiment.optimizer.schedule = {{500, {{"lr", 0.01}}}};
    panel.setExperiment(experiment);
    QCOMPARE(child<QLineEdit>(panel, "optimizer.schedule")->text(), QStringLiteral("500: lr=0.01"));
    auto* schedule = child<QLineEdit>(panel, "head.schedule");
    QVERIFY(schedule->text().isEmpty());
    QTest::keyClicks(schedule, QStringLiteral("0: gamma=0.2; 200: gamma=0.7"));
    const auto edited = panel.experiment().head.schedule;
    QCOMPARE(edited.size(), std::size_t{2});
    QCOMPARE(edited[1].step, std::int64_t{200});
    QCOMPARE(edited[1].params.at("gamma"), 0.7);
    // Steps out of order are marked with the reason and do not replace the last valid schedule.
    QTest::keyClicks(schedule, QStringLiteral("; 100: gamma=0.5"));
    QVERIFY(!schedule->styleSheet().isEmpty());
    QVERIFY2(schedule->toolTip().contains(QStringLiteral("steps must increase")), qPrintable(schedule->toolTip()));
    QCOMPARE(panel.experiment().head.schedule, edited);
  }

  void headSwitchShowsThatHeadsParametersAndComesBack() {
    using marginlab::heads::HeadValues;
    ExperimentPanel panel;
    panel.setChoices(choices());
    panel.setExperiment(unusual());
    auto* kind = child<QComboBox>(panel, "head.kind");
    QCOMPARE(child<QComboBox>(panel, "head.params.statistics")->currentText(), QStringLiteral("momentum_encoder"));
    QCOMPARE(child<QComboBox>(panel, "head.params.formula")->currentText(), QStringLiteral("code"));  // the default

    pick(kind, QStringLiteral("arcface"));
    QVERIFY(panel.findChild<QDoubleSpinBox*>(QStringLiteral("head.params.m0")) == nullptr);
    QVERIFY(panel.findChild<QComboBox*>(QStringLiteral("head.params.statistics")) == nullptr);
    auto* m = child<QDoubleSpinBox>(panel, "head.params.m");
    QCOMPARE(m->value(), 0.5);  // arcface's default
    QVERIFY(panel.findChild<QDoubleSpinBox*>(QStringLiteral("head.params.eps")) != nullptr);
    QCOMPARE(child<QComboBox>(panel, "head.params.form")->currentText(), QStringLiteral("exact"));
    QVERIFY(child<QLabel>(panel, "head.description")->text().contains(QStringLiteral("angular margin")));
    train::Experiment e = panel.experiment();
    QCOMPARE(e.head.kind, std::string("arcface"));
    QVERIFY(e.head.params.empty());  // the kind's defaults
    m->setValue(0.45);
    pick(child<QComboBox>(panel, "head.params.form"), QStringLiteral("legacy"));
    QCOMPARE(panel.experiment().head.params, (HeadValues{{"m", 0.45}, {"form", std::string("legacy")}}));
    const auto written = train::to_json(panel.experiment());
    QCOMPARE(train::experiment_from_json(written, "panel").head.params, panel.experiment().head.params);

    pick(kind, QStringLiteral("kappaface"));  // back: the values set for it return
    e = panel.experiment();
    QCOMPARE(e.head.params,
             (HeadValues{{"m0", kHalfPi / 3}, {"gamma", 0.6}, {"statistics", std::string("momentum_encoder")}}));
    QCOMPARE(child<QDoubleSpinBox>(panel, "head.params.gamma")->value(), 0.6);
    pick(kind, QStringLiteral("arcface"));
    QCOMPARE(panel.experiment().head.params, (HeadValues{{"m", 0.45}, {"form", std::string("legacy")}}));
  }

  // A choice can move the defaults of the numbers not set (ElasticFace's m per form); numbers set stay.
  void headChoicesMoveTheDefaultsOfUnsetNumbers() {
    ExperimentPanel panel;
    panel.setChoices(choices());
    train::Experiment e;
    e.head.kind = "elasticface-cos+";  // an older kind name: shown as the head with its choices
    panel.setExperiment(e);
    QCOMPARE(child<QComboBox>(panel, "head.kind")->currentText(), QStringLiteral("elasticface"));
    QCOMPARE(child<QComboBox>(panel, "head.params.form")->currentText(), QStringLiteral("cos"));
    QCOMPARE(child<QComboBox>(panel, "head.params.assignment")->currentText(), QStringLiteral("ranked"));
    QCOMPARE(child<QDoubleSpinBox>(panel, "head.params.m")->value(), 0.35);
    QCOMPARE(child<QDoubleSpinBox>(panel, "head.params.sigma")->value(), 0.02);
    pick(child<QComboBox>(panel, "head.params.form"), QStringLiteral("arc"));
    QCOMPARE(child<QDoubleSpinBox>(panel, "head.params.m")->value(), 0.5);
    QCOMPARE(child<QDoubleSpinBox>(panel, "head.params.sigma")->value(), 0.0175);
    child<QDoubleSpinBox>(panel, "head.params.sigma")->setValue(0.03);
    pick(child<QComboBox>(panel, "head.params.assignment"), QStringLiteral("random"));
    QCOMPARE(child<QDoubleSpinBox>(panel, "head.params.sigma")->value(), 0.03);
    QCOMPARE(panel.experiment().head.params,
             (marginlab::heads::HeadValues{
                 {"form", std::string("arc")}, {"assignment", std::string("random")}, {"sigma", 0.03}}));
  }

  void scheduleShowsOnlyTheFieldsItsKindUses() {
    ExperimentPanel panel;
    panel.setChoices(choices());
    panel.setExperiment(train::Experiment{});
    auto* kind = child<QComboBox>(panel, "schedule.kind");
    auto shown = [&panel](const char* name) { return !child<QWidget>(panel, name)->isHidden(); };
    pick(kind, QStringLiteral("multistep"));
    QVERIFY(shown("schedule.warmup_epochs") && shown("schedule.milestones") && shown("schedule.gamma"));
    QVERIFY(!shown("schedule.min_lr") && !shown("schedule.power"));
    pick(kind, QStringLiteral("cosine"));
    QVERIFY(shown("schedule.min_lr") && !shown("schedule.power") && !shown("schedule.milestones"));
    QVERIFY(!shown("schedule.gamma"));
    pick(kind, QStringLiteral("poly"));
    QVERIFY(shown("schedule.min_lr") && shown("schedule.power"));
    pick(kind, QStringLiteral("constant"));
    QVERIFY(shown("schedule.warmup_epochs") && !shown("schedule.min_lr") && !shown("schedule.power"));
    QVERIFY(!shown("schedule.milestones"));
    QCOMPARE(panel.experiment().schedule.kind, train::ScheduleKind::constant);

    // The optimiser's fields likewise.
    pick(child<QComboBox>(panel, "optimizer.kind"), QStringLiteral("sgd"));
    QVERIFY(shown("optimizer.momentum") && !shown("optimizer.eps"));
    pick(child<QComboBox>(panel, "optimizer.kind"), QStringLiteral("adamw"));
    QVERIFY(!shown("optimizer.momentum") && shown("optimizer.eps") && shown("optimizer.betas.1"));
  }

  void synthFaceKnobsAreWrittenIntoTheJsonObject() {
    ExperimentPanel panel;
    panel.setChoices(choices());
    train::Experiment e;
    e.data.synthface = {{"family_size", 2}, {"imbalance_ratio", 20}};
    panel.setExperiment(e);
    QVERIFY(!child<QWidget>(panel, "data.synthface.identities")->isHidden());
    QCOMPARE(child<QDoubleSpinBox>(panel, "data.synthface.identities")->value(), 200.0);  // the default shown
    QCOMPARE(child<QDoubleSpinBox>(panel, "data.synthface.imbalance_ratio")->value(), 20.0);
    child<QDoubleSpinBox>(panel, "data.synthface.identities")->setValue(500);
    child<QDoubleSpinBox>(panel, "data.synthface.low_quality_fraction")->setValue(0.25);
    const nlohmann::json written = panel.experiment().data.synthface;
    const nlohmann::json expected = {
        {"family_size", 2}, {"imbalance_ratio", 20}, {"identities", 500}, {"low_quality_fraction", 0.25}};
    QCOMPARE(QString::fromStdString(written.dump()), QString::fromStdString(expected.dump()));
    QVERIFY(written.at("identities").is_number_integer());
    QVERIFY(written.at("imbalance_ratio").is_number_integer());  // given, untouched

    // File sources: a path with Browse instead of the generator's knobs; no SynthFace validation set.
    pick(child<QComboBox>(panel, "data.source"), QStringLiteral("image_folder"));
    QVERIFY(child<QWidget>(panel, "data.synthface.identities")->parentWidget()->isHidden());
    QVERIFY(!child<QWidget>(panel, "data.path")->parentWidget()->isHidden());
    QVERIFY(!child<QPushButton>(panel, "eval.sets.addSynthFace")->isEnabled());
    auto* sets = child<QListWidget>(panel, "eval.sets");
    sets->item(0)->setSelected(true);
    child<QPushButton>(panel, "eval.sets.remove")->click();
    QVERIFY(panel.experiment().eval.sets.empty());
    QCOMPARE(panel.experiment().data.source, std::string("image_folder"));
  }

  void validationMessageIsShownAndCleared() {
    ExperimentPanel panel;
    panel.show();
    auto* label = child<QLabel>(panel, "validationMessage");
    QVERIFY(!label->isVisible());
    panel.setValidationMessage(QStringLiteral("optimizer.lr = -1: must be > 0"));
    QVERIFY(label->isVisible());
    QCOMPARE(label->text(), QStringLiteral("optimizer.lr = -1: must be > 0"));
    QVERIFY(label->styleSheet().contains(QStringLiteral("color")));
    panel.setValidationMessage(QString());
    QVERIFY(!label->isVisible());
  }

  void lockedPanelIsReadOnlyWithAHint() {
    ExperimentPanel panel;
    panel.setChoices(choices());
    panel.setExperiment(unusual());
    panel.show();
    auto* hint = child<QLabel>(panel, "lockHint");
    QVERIFY(!hint->isVisible());
    panel.setLocked(true);
    QVERIFY(panel.isLocked());
    QVERIFY(hint->isVisible());
    QVERIFY(!child<QWidget>(panel, "optimizer.lr")->isEnabled());
    QVERIFY(!child<QWidget>(panel, "head.params.gamma")->isEnabled());
    QVERIFY(!child<QWidget>(panel, "name")->isEnabled());
    QVERIFY(!child<QWidget>(panel, "preset")->isEnabled());
    pick(child<QComboBox>(panel, "head.kind"), QStringLiteral("adaface"));  // rebuilt rows stay read-only
    QVERIFY(!child<QWidget>(panel, "head.params.h")->isEnabled());
    panel.setLocked(false);
    QVERIFY(!hint->isVisible());
    QVERIFY(child<QWidget>(panel, "optimizer.lr")->isEnabled());
    QVERIFY(child<QWidget>(panel, "head.params.h")->isEnabled());
    QVERIFY(child<QWidget>(panel, "preset")->isEnabled());
  }

  // The form is the field table: every field has an editor named by its key (lists of fixed length one per entry),
  // labelled with the table's label; the tabs are saved as pictures when MARGINLAB_LOOK_DIR is set.
  void everyFieldOfTheTableHasAnEditor() {
    ExperimentPanel panel;
    panel.setChoices(choices());
    panel.setExperiment(unusual());
    panel.resize(1000, 640);
    panel.show();
    int fields = 0;
    for (const auto& field : train::experiment_fields()) {
      const QString key = QString::fromStdString(field.key);
      const bool found = field.type == train::FieldType::numbers && field.count > 0
                             ? panel.findChild<QWidget*>(key + QStringLiteral(".0")) != nullptr
                             : panel.findChild<QWidget*>(key) != nullptr;
      QVERIFY2(found, qPrintable(key));
      ++fields;
    }
    QVERIFY(fields > 50);
    // A label shows the unit beside the table's label.
    bool unitShown = false;
    for (const auto* label : panel.findChildren<QLabel*>()) unitShown |= label->text() == QStringLiteral("Warm-up (epochs)");
    QVERIFY(unitShown);
    auto* tabs = child<QTabWidget>(panel, "tabs");
    for (int i = 0; i < tabs->count(); ++i) {
      tabs->setCurrentIndex(i);
      QCoreApplication::processEvents();
      const QString dir = qEnvironmentVariable("MARGINLAB_LOOK_DIR");
      if (!dir.isEmpty()) panel.grab().save(QStringLiteral("%1/experiment_panel_tab%2.png").arg(dir).arg(i));
    }
  }

  void presetComboAsksForThePreset() {
    ExperimentPanel panel;
    panel.setChoices(choices());
    QSignalSpy requested(&panel, &ExperimentPanel::presetRequested);
    auto* preset = child<QComboBox>(panel, "preset");
    QCOMPARE(preset->count(), 2);
    QCOMPARE(preset->currentIndex(), -1);
    emit preset->activated(1);
    QCOMPARE(requested.count(), 1);
    QCOMPARE(requested.at(0).at(0).toString(), QStringLiteral("kappaface-ms1mv2"));
    QCOMPARE(preset->currentIndex(), -1);
  }
};

QTEST_MAIN(TestExperimentPanel)
#include "test_experiment_panel.moc"
