#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QSlider>
#include <QUndoStack>
#include <QtTest>

#include <cmath>

#include "widgets/live_parameter_panel.h"

using marginlab::heads::ParamValue;
using marginlab::widgets::kSliderSteps;
using marginlab::widgets::LiveParameterPanel;
using marginlab::widgets::SliderMapping;
using marginlab::widgets::sliderMappingFor;

namespace {

constexpr double kHalfPi = 1.5707963267948966;

std::vector<ParamValue> adafaceParams(double m = 0.4) {
  return {{"s", 64.0, 0.0, 1024.0, true, false, "logit scale"},
          {"m", m, 0.0, kHalfPi, false, false, "margin"},
          {"h", 0.333, 0.0, 1.0, false, false, "norm influence"},
          {"t_alpha", 0.01, 0.0, 1.0, false, false, "EMA weight"},
          {"eps", 1e-3, 0.0, 0.1, true, false, "clamp"}};
}

void type(QLineEdit* editor, const QString& text) {
  editor->selectAll();
  editor->del();
  QTest::keyClicks(editor, text);
  QTest::keyClick(editor, Qt::Key_Return);
}

struct Fixture {
  LiveParameterPanel panel;
  QSignalSpy spy{&panel, &LiveParameterPanel::changeRequested};
  Fixture() {
    panel.setParameters(QStringLiteral("adaface"), adafaceParams(), 0.1);
    panel.setEditable(true);
    panel.show();
  }
};

}  // namespace

class TestLiveParameterPanel : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void buildsOneRowPerParameterPlusTheLearningRate() {
    Fixture f;
    const auto values = f.panel.currentValues();
    QCOMPARE(values.size(), std::size_t{6});
    QCOMPARE(values.at(QStringLiteral("m")), 0.4);
    QCOMPARE(values.at(LiveParameterPanel::kLearningRate), 0.1);
    QCOMPARE(f.panel.editor(QStringLiteral("m"))->text(), QStringLiteral("0.4"));
    QCOMPARE(f.panel.editor(QStringLiteral("eps"))->text(), QStringLiteral("0.001"));
    QVERIFY(f.panel.slider(QStringLiteral("h"))->value() == 333);
    QVERIFY(f.panel.editor(QStringLiteral("nope")) == nullptr);
  }

  void outOfRangeValueIsRefusedWithTheRangeAndNoSignal() {
    Fixture f;
    QLineEdit* m = f.panel.editor(QStringLiteral("m"));
    type(m, QStringLiteral("7"));
    QCOMPARE(f.spy.count(), 0);
    QCOMPARE(f.panel.currentValues().at(QStringLiteral("m")), 0.4);
    const QString message = f.panel.statusLabel(QStringLiteral("m"))->text();
    QVERIFY2(message.contains(QStringLiteral("m = 7 is outside [0, 1.570796327]")), qPrintable(message));
    QVERIFY(m->styleSheet().contains(QStringLiteral("border")));  // the red frame
    QCOMPARE(f.panel.undoStack()->count(), 0);

    // Open bounds, non-finite values and text are refused too.
    type(f.panel.editor(QStringLiteral("s")), QStringLiteral("0"));
    QVERIFY(f.panel.statusLabel(QStringLiteral("s"))->text().contains(QStringLiteral("(0, 1024]")));
    type(f.panel.editor(QStringLiteral("h")), QStringLiteral("nan"));
    QVERIFY(f.panel.statusLabel(QStringLiteral("h"))->text().contains(QStringLiteral("[0, 1]")));
    type(f.panel.editor(QStringLiteral("h")), QStringLiteral("inf"));
    type(f.panel.editor(QStringLiteral("h")), QStringLiteral("abc"));
    QVERIFY(f.panel.statusLabel(QStringLiteral("h"))->text().contains(QStringLiteral("not a number")));
    type(f.panel.editor(LiveParameterPanel::kLearningRate), QStringLiteral("0"));
    QVERIFY(f.panel.statusLabel(LiveParameterPanel::kLearningRate)
                ->text()
                .contains(QStringLiteral("learning rate = 0 is outside (0, 100]")));
    QCOMPARE(f.spy.count(), 0);

    // A valid value afterwards clears the error.
    type(m, QStringLiteral("0.5"));
    QVERIFY(m->styleSheet().isEmpty());
    QVERIFY(!f.panel.statusLabel(QStringLiteral("m"))->text().contains(QStringLiteral("outside")));
  }

  void validEditEmitsOnceAndUndoEmitsTheOldValue() {
    Fixture f;
    QLineEdit* m = f.panel.editor(QStringLiteral("m"));
    type(m, QStringLiteral("0.5"));
    QCOMPARE(f.spy.count(), 1);
    QCOMPARE(f.spy.at(0).at(0).toString(), QStringLiteral("m"));
    QCOMPARE(f.spy.at(0).at(1).toDouble(), 0.5);
    QCOMPARE(f.panel.currentValues().at(QStringLiteral("m")), 0.5);
    QCOMPARE(f.panel.undoStack()->undoText(), QStringLiteral("Set m to 0.5"));
    // Enter again on the same text, or focus leaving, changes nothing.
    QTest::keyClick(m, Qt::Key_Return);
    QCOMPARE(f.spy.count(), 1);

    f.panel.undoStack()->undo();
    QCOMPARE(f.spy.count(), 2);
    QCOMPARE(f.spy.at(1).at(1).toDouble(), 0.4);
    QCOMPARE(m->text(), QStringLiteral("0.4"));
    QCOMPARE(f.panel.currentValues().at(QStringLiteral("m")), 0.4);
    f.panel.undoStack()->redo();
    QCOMPARE(f.spy.at(2).at(1).toDouble(), 0.5);
    QCOMPARE(m->text(), QStringLiteral("0.5"));

    // Keyboard edits are separate steps.
    type(m, QStringLiteral("0.6"));
    QCOMPARE(f.panel.undoStack()->count(), 2);
  }

  void sliderDragIsOneUndoStepAndTwoDragsAreTwo() {
    Fixture f;
    QSlider* slider = f.panel.slider(QStringLiteral("h"));
    auto drag = [slider](int from, int to) {
      slider->setSliderDown(true);
      for (int p = from; p <= to; p += 10) slider->setValue(p);
      slider->setSliderDown(false);
    };
    drag(400, 600);
    QCOMPARE(f.panel.undoStack()->count(), 1);
    QVERIFY(f.spy.count() > 10);  // live while dragging
    QCOMPARE(f.panel.currentValues().at(QStringLiteral("h")), 0.6);
    QCOMPARE(f.panel.editor(QStringLiteral("h"))->text(), QStringLiteral("0.6"));
    QCOMPARE(f.panel.undoStack()->undoText(), QStringLiteral("Set h to 0.6"));

    drag(610, 700);
    QCOMPARE(f.panel.undoStack()->count(), 2);
    f.panel.undoStack()->undo();
    QCOMPARE(f.spy.last().at(1).toDouble(), 0.6);
    f.panel.undoStack()->undo();
    QCOMPARE(f.spy.last().at(1).toDouble(), 0.333);  // the whole first drag undone at once
    QCOMPARE(f.panel.editor(QStringLiteral("h"))->text(), QStringLiteral("0.333"));
    QCOMPARE(slider->value(), 333);

    // Arrow keys on the slider: one step each.
    slider->triggerAction(QAbstractSlider::SliderSingleStepAdd);
    slider->triggerAction(QAbstractSlider::SliderSingleStepAdd);
    QCOMPARE(f.panel.undoStack()->count(), 2);  // the two redo-able drags were replaced
    QCOMPARE(f.panel.undoStack()->index(), 2);
  }

  void engineAnswersShowInTheStatusAndRejectionRestores() {
    Fixture f;
    type(f.panel.editor(QStringLiteral("m")), QStringLiteral("0.5"));
    f.panel.markApplied(QStringLiteral("m"), 0.5, 3, 1234);
    QCOMPARE(f.panel.statusLabel(QStringLiteral("m"))->text(), QStringLiteral("applied at step 1234"));

    type(f.panel.editor(QStringLiteral("m")), QStringLiteral("0.7"));
    f.panel.markRejected(QStringLiteral("m"), 0.7, QStringLiteral("AdaFace: m too large for h"));
    QCOMPARE(f.panel.editor(QStringLiteral("m"))->text(), QStringLiteral("0.5"));  // the last applied value
    QCOMPARE(f.panel.currentValues().at(QStringLiteral("m")), 0.5);
    QCOMPARE(f.panel.statusLabel(QStringLiteral("m"))->text(), QStringLiteral("AdaFace: m too large for h"));
    QVERIFY(f.panel.statusLabel(QStringLiteral("m"))->styleSheet().contains(QStringLiteral("color")));
    QCOMPARE(f.spy.count(), 2);  // a rejection sends nothing
  }

  void sameHeadUpdatesInPlaceAndANewHeadRebuilds() {
    Fixture f;
    QLineEdit* before = f.panel.editor(QStringLiteral("m"));
    type(f.panel.editor(QStringLiteral("h")), QStringLiteral("0.5"));  // pending: keeps what it asks for
    f.panel.setParameters(QStringLiteral("adaface"), adafaceParams(0.45), 0.05);
    QCOMPARE(f.panel.editor(QStringLiteral("m")), before);
    QCOMPARE(before->text(), QStringLiteral("0.45"));
    QCOMPARE(f.panel.currentValues().at(LiveParameterPanel::kLearningRate), 0.05);
    QCOMPARE(f.panel.currentValues().at(QStringLiteral("h")), 0.5);
    QCOMPARE(f.panel.undoStack()->count(), 1);

    f.panel.setParameters(QStringLiteral("arcface"), {{"s", 64, 0, 1024, true, false, ""}, {"m", 0.5, -kHalfPi, kHalfPi, false, false, ""}}, 0.1);
    QCOMPARE(f.panel.currentValues().size(), std::size_t{3});
    QVERIFY(f.panel.editor(QStringLiteral("h")) == nullptr);
    QCOMPARE(f.panel.undoStack()->count(), 0);
    QCOMPARE(f.panel.headKind(), QStringLiteral("arcface"));
  }

  void disabledPanelSaysHowToEnableIt() {
    Fixture f;
    QLabel* hint = f.panel.findChild<QLabel*>(QStringLiteral("hint"));
    QVERIFY(hint != nullptr);
    QVERIFY(!hint->isVisible());
    type(f.panel.editor(QStringLiteral("m")), QStringLiteral("0.5"));
    f.panel.setEditable(false);
    QVERIFY(hint->isVisible());
    QCOMPARE(hint->text(), QStringLiteral("Start a run to tune live."));
    QVERIFY(!f.panel.editor(QStringLiteral("m"))->isEnabled());
    QVERIFY(!f.panel.slider(QStringLiteral("m"))->isEnabled());
    QCOMPARE(f.panel.undoStack()->count(), 0);
  }

  void logMappingIsSane() {
    // s in (0, 1024]: logarithmic, two decades around the value.
    const SliderMapping s = sliderMappingFor({"s", 64, 0, 1024, true, false, ""}, 64);
    QVERIFY(s.log);
    QVERIFY(std::abs(s.lo - 6.4) < 1e-9 && std::abs(s.hi - 640) < 1e-9);
    QVERIFY(std::abs(s.valueAt(s.positionOf(64)) - 64) / 64 < 0.005);
    QCOMPARE(s.positionOf(64), kSliderSteps / 2);
    for (int p = 1; p <= kSliderSteps; ++p) QVERIFY(s.valueAt(p) > s.valueAt(p - 1));
    // The learning rate at the top of (0, 10]: shifted down, still two decades.
    const SliderMapping lr = sliderMappingFor({"lr", 10, 0, 10, true, false, ""}, 10);
    QVERIFY(lr.log && std::abs(lr.hi - 10) < 1e-12 && std::abs(lr.lo - 0.1) < 1e-12);
    // An open upper bound is never reached by the slider.
    const ParamValue momentum{"memory_momentum", 0.9, 0, 1, true, true, ""};
    const SliderMapping mm = sliderMappingFor(momentum, 0.9);
    QVERIFY(mm.valueAt(kSliderSteps) < 1.0);
    QVERIFY(mm.valueAt(0) > 0.0);
    // [0, 1e6] with λ_g = 35 is logarithmic; [0, 1] with h = 0.333 and [-π/2, π/2] are linear over the range.
    QVERIFY(sliderMappingFor({"lambda_g", 35, 0, 1e6, false, false, ""}, 35).log);
    const SliderMapping h = sliderMappingFor({"h", 0.333, 0, 1, false, false, ""}, 0.333);
    QVERIFY(!h.log && h.lo == 0 && h.hi == 1);
    const SliderMapping m = sliderMappingFor({"m", 0.5, -kHalfPi, kHalfPi, false, false, ""}, 0.5);
    QVERIFY(!m.log && m.lo == -kHalfPi && m.hi == kHalfPi);
    // A value of 0 cannot sit on a log scale: linear.
    QVERIFY(!sliderMappingFor({"t_alpha", 0, 0, 1, false, false, ""}, 0).log);
    // Open to infinity: logarithmic.
    QVERIFY(sliderMappingFor({"x", 3, 0, INFINITY, true, true, ""}, 3).log);

    // In the panel, a typed value outside the visible span moves the span.
    Fixture f;
    type(f.panel.editor(QStringLiteral("s")), QStringLiteral("1000"));
    const SliderMapping moved = f.panel.sliderMapping(QStringLiteral("s"));
    QVERIFY(moved.covers(1000));
    QCOMPARE(f.panel.slider(QStringLiteral("s"))->value(), moved.positionOf(1000));
    // Slider values are rounded to 3 significant digits on a log slider.
    QSlider* slider = f.panel.slider(QStringLiteral("s"));
    slider->triggerAction(QAbstractSlider::SliderPageStepSub);
    const double v = f.panel.currentValues().at(QStringLiteral("s"));
    QCOMPARE(QString::number(v, 'g', 3).toDouble(), v);
  }
};

QTEST_MAIN(TestLiveParameterPanel)
#include "test_live_parameter_panel.moc"
