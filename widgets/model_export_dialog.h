#pragma once
// Asks how to export the trained model of a run: which formats (ONNX, PyTorch weights, or both) and into which
// folder. Remembers the choices (QSettings "model_export/…"). What the files are is said in the dialog, so that a
// researcher knows before exporting what each tool will get.
#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;

namespace marginlab::widgets {

class ModelExportDialog : public QDialog {
  Q_OBJECT
 public:
  // `onnxAvailable` false (a build without libonnx) leaves only the PyTorch weights to choose.
  ModelExportDialog(const QString& runName, bool onnxAvailable, QWidget* parent = nullptr);

  // "all", "onnx" or "pytorch", as marginlab-cli export --format takes it.
  QString format() const;
  QString folder() const;
  void setFolder(const QString& folder);

  void accept() override;

 private:
  void browse();
  void describeFormat();

  QComboBox* format_;
  QLineEdit* folder_;
  QLabel* description_;
};

}  // namespace marginlab::widgets
