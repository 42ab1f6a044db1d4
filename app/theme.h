#pragma once
// The window's colours: the system's, or Fusion with a light or a dark palette (researchers read plots late at night
// and present them on projectors). Every plot restyles itself when the palette changes.
#include <QString>

namespace marginlab::app {

// "system", "light" or "dark"; anything else is taken as "system".
void applyTheme(const QString& theme);
QString savedTheme();

}  // namespace marginlab::app
