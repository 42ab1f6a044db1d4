#include "widgets/model_export_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>

#include <algorithm>

namespace marginlab::widgets {
namespace {

const QString kFormat = QStringLiteral("model_export/format");
const QString kFolder = QStringLiteral("model_export/folder");

}  // namespace

ModelExportDialog::ModelExportDialog(const QString& runName, bool onnxAvailable, QWidget* parent)
    : QDialog(parent), format_(new QComboBox), folder_(new QLineEdit), description_(new QLabel) {
  setWindowTitle(tr("Export the model of %1").arg(runName));
  if (onnxAvailable) {
    format_->addItem(tr("ONNX and PyTorch weights"), QStringLiteral("all"));
    format_->addItem(tr("ONNX"), QStringLiteral("onnx"));
  }
  format_->addItem(tr("PyTorch weights"), QStringLiteral("pytorch"));
  QSettings settings;
  format_->setCurrentIndex(std::max(0, format_->findData(settings.value(kFormat, QStringLiteral("all")))));
  folder_->setText(settings.value(kFolder, QDir(QDir::homePath()).filePath(runName + QStringLiteral("-export")))
                       .toString());
  folder_->setMinimumWidth(380);
  description_->setWordWrap(true);
  description_->setTextFormat(Qt::RichText);
  description_->setMinimumHeight(description_->fontMetrics().lineSpacing() * 7);
  setMinimumWidth(560);

  auto* browse = new QPushButton(tr("Browse…"));
  connect(browse, &QPushButton::clicked, this, &ModelExportDialog::browse);
  connect(format_, &QComboBox::currentIndexChanged, this, &ModelExportDialog::describeFormat);
  auto* folderRow = new QHBoxLayout;
  folderRow->addWidget(folder_, 1);
  folderRow->addWidget(browse);

  auto* form = new QFormLayout;
  form->addRow(tr("Checkpoint:"), new QLabel(tr("the run's latest (checkpoints/latest.pt)")));
  form->addRow(tr("Formats:"), format_);
  form->addRow(tr("Folder:"), folderRow);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel);
  buttons->addButton(tr("Export"), QDialogButtonBox::AcceptRole)->setDefault(true);
  connect(buttons, &QDialogButtonBox::accepted, this, &ModelExportDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(description_);
  layout->addWidget(buttons);
  describeFormat();
}

QString ModelExportDialog::format() const { return format_->currentData().toString(); }

QString ModelExportDialog::folder() const { return folder_->text().trimmed(); }

void ModelExportDialog::setFolder(const QString& folder) { folder_->setText(folder); }

void ModelExportDialog::browse() {
  const QString chosen = QFileDialog::getExistingDirectory(this, tr("Export the model into"), folder());
  if (!chosen.isEmpty()) folder_->setText(chosen);
}

void ModelExportDialog::describeFormat() {
  // One line per file, its name first, so that the researcher sees what each tool will get.
  QStringList files;
  const auto item = [&files](const QString& name, const QString& text) {
    files << QStringLiteral("<li><b>%1</b> — %2</li>").arg(name, text.toHtmlEscaped());
  };
  if (format() != QStringLiteral("pytorch")) {
    item(QStringLiteral("model.onnx"),
         tr("the backbone: images → raw embedding (its length is the quality proxy), any batch size; checked "
            "through OpenCV DNN against LibTorch on the run's own images before it is kept"));
  }
  if (format() != QStringLiteral("onnx")) {
    item(QStringLiteral("backbone.pt"),
         tr("the state dict under insightface arcface_torch's names: torch.load, then load_state_dict"));
    item(QStringLiteral("head.pt"), tr("the head's class centres (kernel) and buffers"));
  }
  item(QStringLiteral("model_card.json"),
       tr("training config, the head and its final hyperparameters, metrics, the exact preprocessing"));
  description_->setText(QStringLiteral("<ul style=\"margin-left: -20px\">%1</ul>").arg(files.join(QString())));
}

void ModelExportDialog::accept() {
  if (folder().isEmpty()) {
    QMessageBox::warning(this, windowTitle(), tr("Choose a folder to export into."));
    return;
  }
  QSettings settings;
  settings.setValue(kFormat, format());
  settings.setValue(kFolder, folder());
  QDialog::accept();
}

}  // namespace marginlab::widgets
