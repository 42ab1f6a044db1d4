#pragma once
// Marks English text in the Qt-free libraries that the workbench shows translated. It expands to the text itself;
// lupdate reads ML_TRANSLATABLE(context, text) as QT_TRANSLATE_NOOP (`-tr-function-alias`, set where lupdate runs),
// and the workbench translates the text with QCoreApplication::translate(context, text).
#define ML_TRANSLATABLE(context, text) text
