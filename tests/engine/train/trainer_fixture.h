#pragma once
// Small SynthFace runs for the trainer's tests: a fresh runs folder per test, and helpers to act while a run goes.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "engine/train/trainer.h"

namespace marginlab::train {

namespace fs = std::filesystem;

class TrainerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    runs_ = fs::temp_directory_path() /
            ("marginlab_trainer_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(runs_);
  }
  void TearDown() override { fs::remove_all(runs_); }

  // A small SynthFace run on the demo network: seconds on two cores.
  Experiment small(const std::string& head = "adaface") const {
    Experiment e;
    e.name = "test";
    e.runs_dir = runs_.string();
    e.data.synthface = {{"identities", 16},
                        {"max_images_per_identity", 24},
                        {"imbalance_ratio", 3},
                        {"verification_identities", 12},
                        {"pairs_per_stratum", 40}};
    e.data.image_size = 32;
    e.model.backbone = "demo";
    e.model.embedding_dim = 32;
    e.head.kind = head;
    e.optimizer.lr = 0.1;
    e.schedule.kind = ScheduleKind::constant;
    e.train.epochs = 50;
    e.train.batch_size = 32;
    e.train.device = DeviceChoice::cpu;
    e.train.threads = 2;
    e.report.every_steps = 2;
    e.report.save_every_steps = 4;
    e.checkpoint.every_steps = 0;
    e.eval.at_end = false;
    return e;
  }

  static std::vector<RunEvent> events_of(Trainer& trainer, RunEvent::Kind kind) {
    std::vector<RunEvent> selected;
    for (const auto& e : trainer.telemetry().drain_events()) {
      if (e.kind == kind) selected.push_back(e);
    }
    return selected;
  }

  // Calls `act` from another thread once the run has reported `step` steps.
  static std::thread when_step_reached(Trainer& trainer, std::int64_t step, std::function<void()> act) {
    return std::thread([&trainer, step, act = std::move(act)] {
      while (true) {
        auto snapshot = trainer.telemetry().latest_snapshot();
        if (snapshot && snapshot->step >= step) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
      act();
    });
  }

  fs::path runs_;
};

}  // namespace marginlab::train
