#include "app/translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QSettings>
#include <QTranslator>

namespace marginlab::app {
namespace {

// lupdate files a class's strings under its name without the namespace ("MainWindow") while tr() asks with the
// qualified one ("marginlab::app::MainWindow"): look the unqualified name up when the qualified one has nothing.
class UnqualifiedContextTranslator : public QTranslator {
 public:
  using QTranslator::QTranslator;
  QString translate(const char* context, const char* source, const char* disambiguation, int n) const override {
    QString text = QTranslator::translate(context, source, disambiguation, n);
    if (!text.isEmpty() || !context) return text;
    const QByteArray qualified(context);
    const auto separator = qualified.lastIndexOf("::");
    if (separator < 0) return text;
    return QTranslator::translate(qualified.mid(separator + 2).constData(), source, disambiguation, n);
  }
};

}  // namespace

QString savedLanguage() {
  return QSettings().value(QStringLiteral("ui/language"), QStringLiteral("system")).toString();
}

bool installTranslations(QCoreApplication& app, const QString& language) {
  const QLocale locale = language == QLatin1String("system") ? QLocale::system() : QLocale(language);
  auto* ours = new UnqualifiedContextTranslator(&app);
  const bool found =
      ours->load(locale, QStringLiteral("marginlab"), QStringLiteral("_"), QStringLiteral(":/translations"));
  if (found) {
    QCoreApplication::installTranslator(ours);
  } else {
    delete ours;
  }
  auto* qt = new QTranslator(&app);
  if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
               QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
    QCoreApplication::installTranslator(qt);
  } else {
    delete qt;
  }
  return found;
}

}  // namespace marginlab::app
