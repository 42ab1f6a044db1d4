#include "app/main_window.h"

#include <torch/torch.h>

#include <QAction>
#include <QApplication>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QVBoxLayout>

#include "app/margin_curves.h"
#include "widgets/target_logit_plot.h"

namespace marginlab::app {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent), curves_(new widgets::TargetLogitPlot) {
  setWindowTitle(tr("MarginLab"));
  setWindowIcon(QIcon(QStringLiteral(":/icons/marginlab.svg")));

  auto* central = new QWidget;
  auto* layout = new QVBoxLayout(central);
  auto* title = new QLabel(tr("<b>Target logit against the angle to the class centre</b> — each head at its published "
                              "defaults. AdaFace moves between ArcFace-like (low quality) and a harder margin "
                              "(high quality) with the feature norm."));
  title->setWordWrap(true);
  layout->addWidget(title);
  layout->addWidget(curves_, 1);
  setCentralWidget(central);
  curves_->setCurves(default_margin_curves());

  createMenus();
  statusBar()->showMessage(tr("LibTorch %1 · %2 · compute threads: %3")
                               .arg(QStringLiteral(TORCH_VERSION))
                               .arg(torch::cuda::is_available() ? tr("CUDA") : tr("CPU"))
                               .arg(at::get_num_threads()));

  QSettings settings;
  if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray())) resize(1100, 720);
}

void MainWindow::createMenus() {
  auto* file = menuBar()->addMenu(tr("&File"));
  auto* quit = file->addAction(tr("&Quit"), this, [this] {
    QSettings().setValue(QStringLiteral("window/geometry"), saveGeometry());
    close();
  });
  quit->setShortcut(QKeySequence::Quit);
  auto* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&About MarginLab"), this, &MainWindow::showAbout);
}

void MainWindow::showAbout() {
  QMessageBox::about(this, tr("About MarginLab"),
                     tr("<b>MarginLab %1</b><p>A workbench for training face-recognition models with adaptive margin "
                        "losses (AdaFace, KappaFace and their baselines) and watching them learn.</p>")
                         .arg(QApplication::applicationVersion()));
}

}  // namespace marginlab::app
