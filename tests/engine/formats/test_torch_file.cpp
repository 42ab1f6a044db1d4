// torch.save files read without Python or LibTorch: the files Debian's PyTorch wrote for the import fixtures
// (tests/fixtures/import), and archives made here byte by byte for each way a file can be wrong or hostile.
#include "engine/formats/torch_file.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>

#include "core/errors.h"
#include "tests/engine/formats/zip_fixture.h"

namespace marginlab::formats {
namespace {

using fixtures::floats;
using fixtures::global;
using fixtures::state_dict_pickle;
using fixtures::torch_zip;
using fixtures::unicode;
using fixtures::zip_of;
const std::string kFixtures = MARGINLAB_FIXTURES_DIR "/import/";

TorchFile parse(const std::vector<std::uint8_t>& bytes) {
  auto owner = std::make_shared<std::vector<std::uint8_t>>(bytes);
  return TorchFile::parse(*owner, owner, "t.pt");
}

void expect_invalid(const std::vector<std::uint8_t>& bytes, const std::string& fragment) {
  try {
    const auto file = parse(bytes);
    if (const auto* entries = pickle::dict_entries(file.root())) {
      for (const auto& [key, value] : *entries) {
        if (const auto* tensor = std::get_if<pickle::Tensor>(&value.content)) file.tensor(*tensor);
      }
    }
    FAIL() << "accepted; expected an error mentioning: " << fragment;
  } catch (const InvalidFile& error) {
    EXPECT_NE(std::string(error.what()).find(fragment), std::string::npos) << error.what();
  }
}

TEST(TorchFile, ReadsAStateDictThatPyTorchWrote) {
  const auto file = TorchFile::open(kFixtures + "arcface_mbf.pth");
  EXPECT_EQ(file.record_name(), "arcface_mbf");
  const auto* entries = pickle::dict_entries(file.root());
  ASSERT_NE(entries, nullptr);
  EXPECT_EQ(entries->size(), 333u);  // arcface_torch get_mbf's state dict, num_batches_tracked included
  const auto* weight = pickle::find(file.root(), "layers.0.layers.0.weight");
  ASSERT_NE(weight, nullptr);
  const auto& tensor = std::get<pickle::Tensor>(weight->content);
  const auto stored = file.tensor(tensor);
  EXPECT_EQ(stored.type, ElementType::float32);
  EXPECT_EQ(stored.sizes, (std::vector<std::int64_t>{128, 3, 3, 3}));
  EXPECT_EQ(stored.strides[1], 9);  // the generator's views: rows overlap, the rest is contiguous
  // Every weight views the one pool: one storage, read once, shared.
  const auto& other = std::get<pickle::Tensor>(pickle::find(file.root(), "conv_sep.layers.0.weight")->content);
  EXPECT_EQ(file.tensor(other).storage.data(), stored.storage.data());
  const auto& steps =
      std::get<pickle::Tensor>(pickle::find(file.root(), "layers.0.layers.1.num_batches_tracked")->content);
  EXPECT_EQ(file.tensor(steps).type, ElementType::int64);
  const auto& variance = std::get<pickle::Tensor>(pickle::find(file.root(), "layers.0.layers.1.running_var")->content);
  EXPECT_EQ(file.tensor(variance).type, ElementType::float16);
}

TEST(TorchFile, ReadsWhatALightningCheckpointCarriesBesideTheTensors) {
  const auto file = TorchFile::open(kFixtures + "adaface_ir_18.ckpt");
  const auto* hparams = pickle::find(file.root(), "hyper_parameters");
  ASSERT_NE(hparams, nullptr);
  EXPECT_EQ(pickle::type_name(*hparams), "pytorch_lightning.utilities.parsing.AttributeDict object");
  EXPECT_EQ(pickle::as_string(*pickle::find(*hparams, "arch")), "ir_18");
  EXPECT_EQ(std::get<double>(pickle::find(*hparams, "h")->content), 0.333);
  // Lightning 1.x keys its callbacks' states by class: a name, never imported.
  const auto& callbacks = *pickle::dict_entries(*pickle::find(file.root(), "callbacks"));
  ASSERT_EQ(callbacks.size(), 1u);
  EXPECT_EQ(std::get<pickle::Global>(callbacks[0].first.content).qualified,
            "pytorch_lightning.callbacks.model_checkpoint.ModelCheckpoint");
  // MultiStepLR's milestones are a collections.Counter.
  const auto& schedulers = std::get<pickle::List>(pickle::find(file.root(), "lr_schedulers")->content);
  const auto* milestones = pickle::find(schedulers.node->items.at(0), "milestones");
  ASSERT_NE(milestones, nullptr);
  const auto& counts = *pickle::dict_entries(*milestones);
  ASSERT_EQ(counts.size(), 3u);
  EXPECT_EQ(std::get<std::int64_t>(counts[1].first.content), 20);
  EXPECT_EQ(std::get<std::int64_t>(counts[1].second.content), 1);
  const auto* state_dict = pickle::find(file.root(), "state_dict");
  ASSERT_NE(pickle::find(*state_dict, "head.kernel"), nullptr);
  ASSERT_NE(pickle::find(*state_dict, "model.input_layer.0.weight"), nullptr);
}

TEST(TorchFile, ReadsAStridedViewAtAnOffset) {
  // A 2 × 3 view with strides (1, 2) at offset 1 over 8 floats: element (i, j) is storage[1 + i + 2j].
  const auto bytes = torch_zip(state_dict_pickle("w", {2, 3}, {1, 2}, 1, 8), {{"0", floats({0, 1, 2, 3, 4, 5, 6, 7})}});
  const auto file = parse(bytes);
  const auto stored = file.tensor(std::get<pickle::Tensor>(pickle::find(file.root(), "w")->content));
  EXPECT_EQ(stored.sizes, (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(stored.strides, (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(stored.offset, 1);
  ASSERT_EQ(stored.storage.size(), 32u);
  float last;
  std::memcpy(&last, stored.storage.data() + 4 * (1 + 1 + 2 * 2), 4);  // (1, 2)
  EXPECT_EQ(last, 6.0f);
  EXPECT_EQ(stored.description(), "float32 (2, 3)");
}

TEST(TorchFile, RefusesAPickleThatCallsAFunction) {
  const std::string system_call = "\x80\x02" + global("os", "system") + unicode("touch /tmp/pwned") + "\x85R.";
  expect_invalid(torch_zip(system_call), "calls os.system: MarginLab reads tensors and plain data from a pickle");
  const std::string eval_call = "\x80\x02" + global("builtins", "eval") + unicode("1") + "\x85R.";
  expect_invalid(torch_zip(eval_call), "calls builtins.eval");
  // A class may be instantiated (NEWOBJ runs no __init__ in Python either); calling it is refused all the same.
  const std::string instance = "\x80\x02" + global("argparse", "Namespace") + ")\x81}" + unicode("lr") + "G" +
                               std::string("\x3f\xb9\x99\x99\x99\x99\x99\x9a", 8) + "sb.";
  const auto file = parse(torch_zip(instance));
  EXPECT_EQ(pickle::type_name(file.root()), "argparse.Namespace object");
}

TEST(TorchFile, RefusesWhatIsNotATorchSaveFile) {
  expect_invalid({}, "t.pt: an empty file, expected a torch.save zip archive");
  std::vector<std::uint8_t> legacy{0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19};
  expect_invalid(legacy, "the legacy format of PyTorch before 1.6");
  expect_invalid({'G', 'I', 'F', '8', '9', 'a', 0, 0, 0}, "an unknown format (first bytes 4749463839610000)");
  expect_invalid(zip_of({{"notes.txt", "hello"}}), "a zip archive without <name>/data.pkl");
  expect_invalid(zip_of({{"m/data.pkl", "\x80\x02}."}, {"m/constants.pkl", "\x80\x02)."}, {"m/code/m.py", ""}}),
                 "a TorchScript archive (torch.jit.save)");
  expect_invalid(zip_of({{"m/data.pkl", "\x80\x02}.", true}}), "m/data.pkl: a compressed entry");
  expect_invalid(zip_of({{"m/data.pkl", "\x80\x02}."}, {"m/byteorder", "big"}}), "a big-endian archive");
}

TEST(TorchFile, RefusesStoragesThatDoNotHoldTheirTensors) {
  expect_invalid(torch_zip(state_dict_pickle("w", {2, 3}, {3, 1}, 0, 6)), "archive/data/0 is missing");
  expect_invalid(torch_zip(state_dict_pickle("w", {2, 3}, {3, 1}, 0, 6), {{"0", floats({1, 2, 3})}}),
                 "archive/data/0 holds 12 bytes, but its 6 float32 elements need 24");
  expect_invalid(torch_zip(state_dict_pickle("w", {2, 3}, {3, 1}, 1, 6), {{"0", floats({1, 2, 3, 4, 5, 6})}}),
                 "a tensor of shape (2, 3) at offset 1 reaches beyond its storage '0' of 6 elements");
  expect_invalid(torch_zip(state_dict_pickle("w", {2}, {1}, 0, 2, "QInt8Storage")),
                 "storage of type torch.QInt8Storage, which this reader does not know");
}

TEST(TorchFile, EveryTruncationAndCorruptionIsAnInvalidFile) {
  const auto bytes = torch_zip(state_dict_pickle("w", {2, 3}, {1, 2}, 1, 8), {{"0", floats({0, 1, 2, 3, 4, 5, 6, 7})}});
  for (std::size_t length = 0; length < bytes.size(); ++length) {
    const std::vector<std::uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(length));
    EXPECT_THROW(
        {
          const auto file = parse(cut);
          file.tensor(std::get<pickle::Tensor>(pickle::find(file.root(), "w")->content));
        },
        InvalidFile)
        << "cut at " << length;
  }
  std::mt19937 random(3);
  for (std::size_t position = 0; position < bytes.size(); ++position) {
    auto corrupt = bytes;
    corrupt[position] = static_cast<std::uint8_t>(random());
    try {
      const auto file = parse(corrupt);
      if (const auto* w = pickle::find(file.root(), "w")) {
        if (const auto* tensor = std::get_if<pickle::Tensor>(&w->content)) file.tensor(*tensor);
      }
    } catch (const InvalidFile&) {
    }
  }
}

}  // namespace
}  // namespace marginlab::formats
