#include "widgets/plot_export.h"

#include <qcustomplot.h>

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSvgGenerator>
#include <QTemporaryFile>

#include <cmath>
#include <filesystem>
#include <system_error>

#include "widgets/plot_widget.h"

namespace marginlab::widgets {
namespace {

constexpr double kLayoutDpi = 96.0;

QString csvCell(const QVariant& cell) {
  if (!cell.isValid() || cell.isNull()) return {};
  switch (cell.typeId()) {
    case QMetaType::Double:
    case QMetaType::Float: {
      const double value = cell.toDouble();
      return std::isfinite(value) ? QString::number(value, 'g', 17) : QString();
    }
    case QMetaType::Int:
    case QMetaType::LongLong:
    case QMetaType::UInt:
    case QMetaType::ULongLong:
    case QMetaType::Bool:
      return QString::number(cell.toLongLong());
    default:
      break;
  }
  QString text = cell.toString();
  if (text.contains(QLatin1Char(',')) || text.contains(QLatin1Char('"')) || text.contains(QLatin1Char('\n'))) {
    text.replace(QLatin1String("\""), QLatin1String("\"\""));
    text = QLatin1Char('"') + text + QLatin1Char('"');
  }
  return text;
}

// Writes `bytes` atomically: QSaveFile only replaces the target once everything is written.
QString writeAtomically(const QString& path, const QByteArray& bytes) {
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly)) return QObject::tr("Cannot write %1: %2").arg(path, file.errorString());
  if (file.write(bytes) != bytes.size() || !file.commit())
    return QObject::tr("Cannot write %1: %2").arg(path, file.errorString());
  return {};
}

}  // namespace

bool figureFormatFromPath(const QString& path, FigureFormat* format) {
  const QString suffix = QFileInfo(path).suffix().toLower();
  if (suffix == QLatin1String("png")) *format = FigureFormat::png;
  else if (suffix == QLatin1String("pdf")) *format = FigureFormat::pdf;
  else if (suffix == QLatin1String("svg")) *format = FigureFormat::svg;
  else return false;
  return true;
}

QString toCsv(const DataTable& table) {
  QString text;
  QStringList header;
  for (const QString& column : table.columns) header << csvCell(column);
  text += header.join(QLatin1Char(',')) + QLatin1Char('\n');
  for (const QVariantList& row : table.rows) {
    QStringList cells;
    for (const QVariant& cell : row) cells << csvCell(cell);
    text += cells.join(QLatin1Char(',')) + QLatin1Char('\n');
  }
  return text;
}

QString exportCsv(const DataTable& table, const QString& path) { return writeAtomically(path, toCsv(table).toUtf8()); }

QString exportFigure(PlotWidget& plot, const QString& path, FigureFormat format, const FigureSize& size) {
  if (!(size.width_inches > 0 && size.height_inches > 0 && size.width_inches <= 100 && size.height_inches <= 100))
    return QObject::tr("Cannot export %1: the figure size %2 × %3 in is outside (0, 100] inches")
        .arg(path).arg(size.width_inches).arg(size.height_inches);
  if (size.dpi < 36 || size.dpi > 1200)
    return QObject::tr("Cannot export %1: %2 dpi is outside [36, 1200]").arg(path).arg(size.dpi);
  plot.redrawNow();
  QCustomPlot* custom = plot.plot();
  const int width = static_cast<int>(std::lround(size.width_inches * kLayoutDpi));
  const int height = static_cast<int>(std::lround(size.height_inches * kLayoutDpi));

  // QCustomPlot writes straight to the named file: render into a temporary beside the target, then rename over it.
  const QFileInfo target(path);
  QTemporaryFile temporary(target.absolutePath() + QStringLiteral("/.marginlab-export-XXXXXX.") + target.suffix());
  if (!temporary.open()) return QObject::tr("Cannot write %1: %2").arg(path, temporary.errorString());
  temporary.close();
  const QString temporaryPath = temporary.fileName();

  plot.layoutForWidth(width);
  bool written = false;
  switch (format) {
    case FigureFormat::png:
      written = custom->savePng(temporaryPath, width, height, size.dpi / kLayoutDpi, -1, size.dpi,
                                QCP::ruDotsPerInch);
      break;
    case FigureFormat::pdf:
      written = custom->savePdf(temporaryPath, width, height, QCP::epNoCosmetic, QStringLiteral("MarginLab"),
                                plot.title());
      break;
    case FigureFormat::svg: {
      QSvgGenerator generator;
      generator.setFileName(temporaryPath);
      generator.setSize(QSize(width, height));
      generator.setViewBox(QRect(0, 0, width, height));
      generator.setResolution(static_cast<int>(kLayoutDpi));
      generator.setTitle(plot.title());
      generator.setDescription(QStringLiteral("MarginLab"));
      QCPPainter painter;
      written = painter.begin(&generator);
      if (written) {
        custom->toPainter(&painter, width, height);
        written = painter.end();
      }
      break;
    }
  }
  plot.layoutForWidth(custom->width());
  if (!written) return QObject::tr("Cannot write the figure %1").arg(path);
  std::error_code error;
  std::filesystem::rename(temporaryPath.toStdString(), path.toStdString(), error);
  if (error) return QObject::tr("Cannot move the figure into place at %1: %2").arg(path, QString::fromStdString(error.message()));
  temporary.setAutoRemove(false);
  return {};
}

QString fileStem(const QString& title) {
  QString stem;
  for (const QChar c : title.toLower()) stem += c.isLetterOrNumber() ? c : QLatin1Char('-');
  while (stem.contains(QStringLiteral("--"))) stem.replace(QStringLiteral("--"), QStringLiteral("-"));
  return stem.remove(QRegularExpression(QStringLiteral("^-|-$")));
}

QStringList exportPlotsInto(const QList<PlotWidget*>& plots, const std::vector<std::pair<QString, DataTable>>& tables,
                            const QString& folder, const QString& format, const FigureSize& size, QString* error) {
  QStringList written;
  FigureFormat figureFormat{};
  if (!figureFormatFromPath(QStringLiteral("x.") + format, &figureFormat)) {
    *error = QCoreApplication::translate("PlotExport", "Unknown figure format \"%1\" (png, pdf or svg)").arg(format);
    return written;
  }
  if (!QDir().mkpath(folder)) {
    *error = QCoreApplication::translate("PlotExport", "Cannot create the folder %1").arg(folder);
    return written;
  }
  QStringList stems;
  const auto uniqueStem = [&stems](QString stem) {
    const QString base = stem;
    for (int n = 2; stems.contains(stem); ++n) stem = base + QStringLiteral("-%1").arg(n);
    stems << stem;
    return stem;
  };
  for (PlotWidget* plot : plots) {
    const QString stem = QDir(folder).filePath(uniqueStem(fileStem(plot->title())));
    QString problem = exportFigure(*plot, stem + QLatin1Char('.') + format, figureFormat, size);
    if (problem.isEmpty()) problem = exportCsv(plot->shownData(), stem + QStringLiteral(".csv"));
    if (!problem.isEmpty()) {
      *error = problem;
      return written;
    }
    written << stem + QLatin1Char('.') + format << stem + QStringLiteral(".csv");
  }
  for (const auto& [title, table] : tables) {
    const QString path = QDir(folder).filePath(uniqueStem(fileStem(title)) + QStringLiteral(".csv"));
    if (const QString problem = exportCsv(table, path); !problem.isEmpty()) {
      *error = problem;
      return written;
    }
    written << path;
  }
  return written;
}

}  // namespace marginlab::widgets
