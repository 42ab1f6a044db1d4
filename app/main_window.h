#pragma once
#include <QMainWindow>

namespace marginlab::widgets {
class TargetLogitPlot;
}

namespace marginlab::app {

// The workbench's window. For now it shows how each head reshapes the target logit; training, live tuning and the
// telemetry plots come with the engine's trainer.
class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);

 private:
  void createMenus();
  void showAbout();

  widgets::TargetLogitPlot* curves_;
};

}  // namespace marginlab::app
