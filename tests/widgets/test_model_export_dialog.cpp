// The model export dialog: the formats a build can write, what each writes, and the choices kept for next time.
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QtTest>

#include "widgets/model_export_dialog.h"

using marginlab::widgets::ModelExportDialog;

class TestModelExportDialog : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() {
    QCoreApplication::setOrganizationName(QStringLiteral("MarginLabTests"));
    QCoreApplication::setApplicationName(QStringLiteral("widgets_model_export_dialog"));
    QSettings().clear();
  }

  void offersBothFormatsAndSaysWhatEachWrites() {
    ModelExportDialog dialog(QStringLiteral("adaface-run"), /*onnxAvailable=*/true);
    auto* formats = dialog.findChild<QComboBox*>();
    QVERIFY(formats);
    QCOMPARE(formats->count(), 3);
    QCOMPARE(dialog.format(), QStringLiteral("all"));
    QVERIFY(dialog.windowTitle().contains(QStringLiteral("adaface-run")));
    QVERIFY(dialog.folder().endsWith(QStringLiteral("adaface-run-export")));

    const auto description = [&dialog] {
      for (auto* label : dialog.findChildren<QLabel*>()) {
        if (label->text().contains(QStringLiteral("model_card.json"))) return label->text();
      }
      return QString();
    };
    QVERIFY(description().contains(QStringLiteral("model.onnx")));
    QVERIFY(description().contains(QStringLiteral("backbone.pt")));
    formats->setCurrentIndex(formats->findData(QStringLiteral("pytorch")));
    QCOMPARE(dialog.format(), QStringLiteral("pytorch"));
    QVERIFY(!description().contains(QStringLiteral("model.onnx")));
    formats->setCurrentIndex(formats->findData(QStringLiteral("onnx")));
    QVERIFY(!description().contains(QStringLiteral("backbone.pt")));
  }

  void withoutOnnxOnlyPyTorchWeightsAreOffered() {
    ModelExportDialog dialog(QStringLiteral("run"), /*onnxAvailable=*/false);
    auto* formats = dialog.findChild<QComboBox*>();
    QCOMPARE(formats->count(), 1);
    QCOMPARE(dialog.format(), QStringLiteral("pytorch"));
  }

  void acceptedChoicesAreTheNextDefaults() {
    {
      ModelExportDialog dialog(QStringLiteral("run"), true);
      auto* formats = dialog.findChild<QComboBox*>();
      formats->setCurrentIndex(formats->findData(QStringLiteral("onnx")));
      dialog.setFolder(QStringLiteral("/tmp/exports/run-7"));
      dialog.accept();
      QCOMPARE(dialog.result(), int(QDialog::Accepted));
    }
    ModelExportDialog next(QStringLiteral("another-run"), true);
    QCOMPARE(next.format(), QStringLiteral("onnx"));
    QCOMPARE(next.folder(), QStringLiteral("/tmp/exports/run-7"));
    // A build without ONNX falls back to what it can write.
    ModelExportDialog withoutOnnx(QStringLiteral("another-run"), false);
    QCOMPARE(withoutOnnx.format(), QStringLiteral("pytorch"));
  }

  void cleanupTestCase() { QSettings().clear(); }
};

QTEST_MAIN(TestModelExportDialog)
#include "test_model_export_dialog.moc"
