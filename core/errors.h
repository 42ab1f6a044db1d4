#pragma once
// Exceptions the engine throws for bad input. Each message names the thing that caused it
// (parameter, file, record, value) so that the GUI and CLI can show it unchanged.
#include <stdexcept>
#include <string>

namespace marginlab {

// A hyperparameter outside its allowed range; thrown before any state changes.
class InvalidParameter : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// A batch the heads refuse (non-finite features, wrong shapes, labels out of range); thrown before any state changes.
class InvalidBatch : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// A file that cannot be read or does not have the expected layout.
class InvalidFile : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One image or record that cannot be decoded inside an otherwise readable dataset. Sources throw it from load() so
// that the loader can skip the sample and count it: a corrupt JPEG never stops a run and never becomes a black image.
class UnreadableSample : public InvalidFile {
 public:
  using InvalidFile::InvalidFile;
};

// A distributed run that cannot go on: the group cannot form, a rank is gone, a collective failed or timed out. The
// message names this rank and, where known, the other one.
class DistributedError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace marginlab
