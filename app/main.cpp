// marginlab: the desktop workbench.
#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

#include <cstdio>

#include "app/main_window.h"
#include "engine/core/memory.h"
#include "engine/core/threads.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("MarginLab"));
  QApplication::setApplicationName(QStringLiteral("MarginLab"));
  QApplication::setApplicationVersion(QStringLiteral("0.1.0"));

  QCommandLineParser parser;
  parser.setApplicationDescription(QApplication::translate("main", "MarginLab: watch margin losses learn."));
  parser.addHelpOption();
  parser.addVersionOption();
  QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                QApplication::translate("main", "Save the window as a PNG once it is shown, then quit."),
                                QStringLiteral("file"));
  parser.addOption(screenshot);
  parser.process(app);

  // Training gets every core but one: the GUI keeps one to stay responsive.
  marginlab::reuse_freed_memory();
  marginlab::configure_threads(0, /*reserved=*/1);
  marginlab::app::MainWindow window;
  window.show();
  if (parser.isSet(screenshot)) {
    const QString path = parser.value(screenshot);
    QTimer::singleShot(500, &window, [&window, path] {
      if (!window.grab().save(path, "PNG")) {
        std::fprintf(stderr, "marginlab: cannot write the screenshot to %s\n", qPrintable(path));
        QApplication::exit(1);
        return;
      }
      QApplication::quit();
    });
  }
  return QApplication::exec();
}
