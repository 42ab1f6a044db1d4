#include "widgets/figure_export_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>

#include "widgets/plot_widget.h"

namespace marginlab::widgets {
namespace {

const QString kWidth = QStringLiteral("export/width_inches");
const QString kHeight = QStringLiteral("export/height_inches");
const QString kDpi = QStringLiteral("export/dpi");
const QString kFormat = QStringLiteral("export/format");
const QString kFolder = QStringLiteral("export/folder");
const QString kCsv = QStringLiteral("export/csv");

}  // namespace

FigureSize FigureExportDialog::savedSize() {
  QSettings settings;
  FigureSize size;
  size.width_inches = settings.value(kWidth, size.width_inches).toDouble();
  size.height_inches = settings.value(kHeight, size.height_inches).toDouble();
  size.dpi = settings.value(kDpi, size.dpi).toInt();
  return size;
}

FigureExportDialog::FigureExportDialog(const QString& plotTitle, QWidget* parent)
    : QDialog(parent),
      path_(new QLineEdit),
      format_(new QComboBox),
      width_(new QDoubleSpinBox),
      height_(new QDoubleSpinBox),
      dpi_(new QSpinBox),
      csv_(new QCheckBox(tr("Also write the plotted data as CSV beside it"))) {
  setWindowTitle(tr("Export “%1”").arg(plotTitle));
  QSettings settings;
  const FigureSize size = savedSize();
  format_->addItem(tr("PNG image"), QStringLiteral("png"));
  format_->addItem(tr("PDF (vector)"), QStringLiteral("pdf"));
  format_->addItem(tr("SVG (vector)"), QStringLiteral("svg"));
  format_->setCurrentIndex(std::max(0, format_->findData(settings.value(kFormat, QStringLiteral("png")))));
  for (QDoubleSpinBox* box : {width_, height_}) {
    box->setRange(1.0, 40.0);
    box->setDecimals(2);
    box->setSingleStep(0.25);
    box->setSuffix(tr(" in"));
  }
  width_->setValue(size.width_inches);
  height_->setValue(size.height_inches);
  dpi_->setRange(36, 1200);
  dpi_->setValue(size.dpi);
  dpi_->setSuffix(tr(" dpi"));
  csv_->setChecked(settings.value(kCsv, true).toBool());

  QString stem;
  for (const QChar c : plotTitle.toLower()) stem += c.isLetterOrNumber() ? c : QLatin1Char('-');
  const QString folder = settings.value(kFolder, QDir::homePath()).toString();
  path_->setText(QDir(folder).filePath(stem + QLatin1Char('.') + format_->currentData().toString()));
  path_->setMinimumWidth(380);

  auto* browse = new QPushButton(tr("Browse…"));
  connect(browse, &QPushButton::clicked, this, &FigureExportDialog::browse);
  connect(format_, &QComboBox::currentIndexChanged, this, &FigureExportDialog::formatChanged);
  auto* pathRow = new QHBoxLayout;
  pathRow->addWidget(path_, 1);
  pathRow->addWidget(browse);
  auto* sizeRow = new QHBoxLayout;
  sizeRow->addWidget(width_);
  sizeRow->addWidget(new QLabel(QStringLiteral("×")));
  sizeRow->addWidget(height_);
  sizeRow->addStretch(1);

  auto* form = new QFormLayout;
  form->addRow(tr("File:"), pathRow);
  form->addRow(tr("Format:"), format_);
  form->addRow(tr("Size:"), sizeRow);
  form->addRow(tr("Resolution (PNG):"), dpi_);
  form->addRow(QString(), csv_);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel);
  connect(buttons, &QDialogButtonBox::accepted, this, &FigureExportDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(buttons);
  formatChanged();
}

QString FigureExportDialog::path() const { return path_->text().trimmed(); }

FigureSize FigureExportDialog::size() const { return {width_->value(), height_->value(), dpi_->value()}; }

bool FigureExportDialog::withCsv() const { return csv_->isChecked(); }

void FigureExportDialog::browse() {
  const QString format = format_->currentData().toString();
  const QString chosen = QFileDialog::getSaveFileName(this, tr("Export the figure"), path(),
                                                      tr("%1 files (*.%2)").arg(format.toUpper(), format));
  if (!chosen.isEmpty()) path_->setText(chosen);
}

void FigureExportDialog::formatChanged() {
  const QString format = format_->currentData().toString();
  QFileInfo info(path());
  path_->setText(QDir(info.path()).filePath(info.completeBaseName() + QLatin1Char('.') + format));
  dpi_->setEnabled(format == QLatin1String("png"));
}

void FigureExportDialog::accept() {
  FigureFormat format{};
  if (!figureFormatFromPath(path(), &format)) {
    QMessageBox::warning(this, windowTitle(), tr("“%1” does not end in .png, .pdf or .svg").arg(path()));
    return;
  }
  if (!QFileInfo(QFileInfo(path()).path()).isDir()) {
    QMessageBox::warning(this, windowTitle(), tr("The folder %1 does not exist").arg(QFileInfo(path()).path()));
    return;
  }
  QSettings settings;
  settings.setValue(kWidth, width_->value());
  settings.setValue(kHeight, height_->value());
  settings.setValue(kDpi, dpi_->value());
  settings.setValue(kFormat, format_->currentData());
  settings.setValue(kFolder, QFileInfo(path()).path());
  settings.setValue(kCsv, csv_->isChecked());
  QDialog::accept();
}

QString FigureExportDialog::exportPlot(PlotWidget& plot, QWidget* parent, QString* error) {
  FigureExportDialog dialog(plot.title(), parent);
  if (dialog.exec() != QDialog::Accepted) return {};
  const QString path = dialog.path();
  FigureFormat format{};
  if (!figureFormatFromPath(path, &format)) {
    *error = tr("%1: choose a .png, .pdf or .svg file name").arg(path);
    return {};
  }
  *error = exportFigure(plot, path, format, dialog.size());
  if (error->isEmpty() && dialog.withCsv()) {
    *error = exportCsv(plot.shownData(), QFileInfo(path).path() + QLatin1Char('/') +
                                             QFileInfo(path).completeBaseName() + QStringLiteral(".csv"));
  }
  return error->isEmpty() ? path : QString();
}

}  // namespace marginlab::widgets
