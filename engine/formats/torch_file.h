#pragma once
// Files written by torch.save (PyTorch ≥ 1.6: a zip of <name>/data.pkl, <name>/data/<key> storages, <name>/version),
// read without Python and without LibTorch's loader, which would refuse the Python objects researchers' checkpoints
// carry beside the tensors (Lightning's hyper-parameters, optimizer states): data.pkl goes through the bounded
// unpickler with the checkpoint vocabulary (pickle.h), and a storage is read from the archive only when one of its
// tensors is asked for. The zip is read by libzip from the mapped file; entries must be stored uncompressed, as
// torch.save writes them, so that no entry can claim more bytes than the file has.
//
// Refused with what the file is and what was expected: the legacy pre-1.6 format, TorchScript archives
// (torch.jit.save), zips without data.pkl, big-endian archives, damaged entries.
#include <map>
#include <memory>
#include <span>
#include <string>

#include "engine/formats/pickle.h"
#include "engine/formats/stored_tensor.h"

namespace marginlab::formats {

// What the first bytes of a weights file say it is.
enum class FileKind { zip, pickle, safetensors, unknown };
FileKind sniff_file_kind(std::span<const std::uint8_t> bytes);
// "a zip archive", "a bare pickle", ... and, for unknown, what the first bytes look like.
std::string describe_file_kind(std::span<const std::uint8_t> bytes);

class TorchFile {
 public:
  // Maps `path` and reads its data.pkl. Throws InvalidFile naming the path.
  static TorchFile open(const std::string& path);
  // The same over bytes that `owner` keeps alive (tests, the fuzz target).
  static TorchFile parse(std::span<const std::uint8_t> bytes, std::shared_ptr<const void> owner,
                         const std::string& origin);

  const pickle::Value& root() const { return pickle_.root; }
  int protocol() const { return pickle_.protocol; }
  const std::string& origin() const { return origin_; }
  // The archive's record name ("archive", "backbone", ...): the folder inside the zip.
  const std::string& record_name() const { return record_; }

  // The tensor with its storage's bytes, read from <record>/data/<key> on first use and shared by every view of that
  // storage. Throws InvalidFile when the entry is missing, compressed, damaged (CRC) or not numel × element size.
  StoredTensor tensor(const pickle::Tensor& tensor) const;

 private:
  struct Archive;
  TorchFile() = default;
  std::string origin_;
  std::string record_;
  std::shared_ptr<Archive> archive_;
  pickle::Pickle pickle_;
};

}  // namespace marginlab::formats
