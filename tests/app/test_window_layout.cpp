// The window on the screens people have, down to a 1366×768 laptop: run under Xvfb at that size (ctest does), the
// window, every dock and the experiment panel lie within the screen, nothing scrolls sideways, and a saved geometry
// from a larger screen is not restored off screen.
#include <QAbstractScrollArea>
#include <QDockWidget>
#include <QScreen>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QStandardPaths>
#include <QtTest>

#include "app/main_window.h"
#include "widgets/experiment_panel.h"
#include "widgets/plot_board.h"

using marginlab::app::MainWindow;

namespace {

QString describe(const QRect& r) {
  return QStringLiteral("%1×%2 at (%3, %4)").arg(r.width()).arg(r.height()).arg(r.x()).arg(r.y());
}

// Everything a user must reach lies on the screen.
void verifyWithinScreen(MainWindow& window) {
  const QRect screen = window.screen()->availableGeometry();
  QVERIFY2(screen.contains(window.frameGeometry()),
           qPrintable(QStringLiteral("window %1 on screen %2 (minimum size %3×%4)")
                          .arg(describe(window.frameGeometry()), describe(screen))
                          .arg(window.minimumSizeHint().width())
                          .arg(window.minimumSizeHint().height())));
  for (auto* dock : window.findChildren<QDockWidget*>()) {
    if (!dock->isVisible() || dock->visibleRegion().isEmpty()) continue;  // a dock behind another's tab
    const QRect global(dock->mapToGlobal(QPoint(0, 0)), dock->size());
    QVERIFY2(screen.contains(global), qPrintable(dock->windowTitle() + QStringLiteral(": ") + describe(global)));
  }
  // The experiment panel's pages scroll down, never sideways: no group is cut at the right edge.
  for (auto* scroll : window.experimentPanel().findChildren<QScrollArea*>()) {
    QWidget* page = scroll->widget();
    if (!page || !scroll->isVisible()) continue;
    QVERIFY2(page->width() <= scroll->viewport()->width(),
             qPrintable(QStringLiteral("a page %1 px wide in a view of %2 px")
                            .arg(page->width())
                            .arg(scroll->viewport()->width())));
  }
}

}  // namespace

class TestWindowLayout : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);  // the user's saved window state stays out of it
    QSettings().clear();
    QVERIFY(QGuiApplication::primaryScreen() != nullptr);
    qInfo("screen %s", qPrintable(describe(QGuiApplication::primaryScreen()->availableGeometry())));
  }

  void aFirstStartFitsTheScreen() {
    MainWindow window;
    window.setInteractive(false);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    verifyWithinScreen(window);
    // On every tab of the experiment panel.
    auto* tabs = window.experimentPanel().findChild<QTabWidget*>(QStringLiteral("tabs"));
    QVERIFY(tabs);
    for (int i = 0; i < tabs->count(); ++i) {
      tabs->setCurrentIndex(i);
      QTest::qWait(50);
      verifyWithinScreen(window);
    }
  }

  void aGeometrySavedOnALargerScreenIsNotRestoredOffScreen() {
    {
      MainWindow big;
      big.setInteractive(false);
      big.setGeometry(0, 0, 2400, 1500);  // as on a desktop monitor
      big.show();
      QVERIFY(QTest::qWaitForWindowExposed(&big));
      big.close();  // saves its geometry
    }
    MainWindow window;
    window.setInteractive(false);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    verifyWithinScreen(window);
  }
};

QTEST_MAIN(TestWindowLayout)
#include "test_window_layout.moc"
