#pragma once
// Writing a plot as a figure (PNG, PDF, SVG) at a chosen physical size and resolution, and the data it shows as CSV.
// Every writer goes through a temporary file and a rename, so a failed export never leaves a half-written file.
#include <QList>
#include <QString>
#include <QStringList>

#include <utility>
#include <vector>

namespace marginlab::widgets {

class PlotWidget;
struct DataTable;

enum class FigureFormat { png, pdf, svg };

// A figure's physical size; the layout is computed at 96 logical dots per inch, so fonts keep their size relative
// to the figure whatever the resolution, and `dpi` sets the pixel density of a PNG (PDF and SVG are vector).
struct FigureSize {
  double width_inches = 6.4;
  double height_inches = 4.0;
  int dpi = 200;
};

// The format named by a file's suffix (.png, .pdf, .svg, any case); false for anything else.
bool figureFormatFromPath(const QString& path, FigureFormat* format);

// Both return an empty string on success, otherwise a sentence naming the file and what went wrong.
QString exportFigure(PlotWidget& plot, const QString& path, FigureFormat format, const FigureSize& size);
QString exportCsv(const DataTable& table, const QString& path);

// Every plot as a figure in `format` (png, pdf, svg) and its CSV, and every table as CSV, into `folder` (made if
// needed), each named after its title; returns the files written, in order. Stops at the first failure with `error`
// set to a sentence naming the file.
QStringList exportPlotsInto(const QList<PlotWidget*>& plots, const std::vector<std::pair<QString, DataTable>>& tables,
                            const QString& folder, const QString& format, const FigureSize& size, QString* error);

// A title as a file name: "Norm vs quality (ρ)" → "norm-vs-quality".
QString fileStem(const QString& title);

// The CSV text of a table: a header row, numbers with enough digits to round-trip a double, text quoted where needed.
QString toCsv(const DataTable& table);

}  // namespace marginlab::widgets
