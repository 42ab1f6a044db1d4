#pragma once
// Loading the program's translations (compiled in under ":/translations") for the language chosen in the settings.
#include <QString>

class QCoreApplication;

namespace marginlab::app {

// "system" follows the locale; otherwise a code such as "zh_CN" or "en". Installs MarginLab's catalogue and Qt's own
// (standard buttons, dialogs) where one exists; returns whether MarginLab's was found.
bool installTranslations(QCoreApplication& app, const QString& language);

// The language saved in the settings ("system" when none).
QString savedLanguage();

}  // namespace marginlab::app
