#pragma once
// Verification packs built byte for byte as Python writes them, so that the unpickler is tested on the opcode
// streams of real lfw.bin / cfp_fp.bin files without shipping any.
//
// PickleWriter follows CPython's pickler (Lib/pickle.py; _pickle.c writes the same bytes, except where noted):
// memo indices in order of first save, BINPUT/LONG_BINPUT below protocol 4 and MEMOIZE from 4 on, BINGET for an
// object saved again (Python shares interned names, 'latin1', b'b', the uint8 dtype), and from protocol 4 frames
// committed at the first save() after 64 KiB, with payloads of 64 KiB or more written outside any frame and frames
// under 4 bytes written without a FRAME header.
//
// Checked during development against CPython 3.11's pickle.dumps (3.11.7, and Debian's 3.11.2 with NumPy 1.24.2
// for the array flavours), byte for byte: the Python 3 flavours at protocols 2-5 for tuples (list of bytes, list of
// bools) with small, 300-byte and 70,000-byte images, a 2,002-image / 1,001-flag pack, multi-frame packs, and
// cv2.imencode-style (n, 1) uint8 arrays at protocols 2-5. The Python 2 flavour was checked against Lib/pickle.py's
// pure-Python pickler with Python 2's save_string (SHORT_BINSTRING / BINSTRING + memoize) put back, which is how
// Python 2's pickle.py writes a str. test_pickle.cpp keeps a few of these CPython outputs as golden bytes.
#include <cstdint>
#include <map>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace marginlab::formats::fixtures {

enum class PickleFlavour {
  python2_protocol2,  // insightface's classic packs: Python 2, pickle.HIGHEST_PROTOCOL, images as py2 str
  python3_protocol2,  // bytes as _codecs.encode(<latin-1 text>, 'latin1')
  python3_protocol3,
  python3_protocol4,
  python3_protocol5,
};

enum class ImageObjects {
  bytes,         // the encoded file's bytes (py2 str / py3 bytes)
  numpy_arrays,  // cv2.imencode's (n, 1) uint8 arrays (insightface's build_eval_pack.py); Python 3 flavours only
};

enum class NumpyModules { numpy1, numpy2 };  // numpy.core.* or numpy._core.*

class PickleWriter {
 public:
  static constexpr std::size_t kFrameSizeTarget = 64 * 1024;
  static constexpr std::size_t kFrameSizeMin = 4;
  static constexpr std::size_t kBatchSize = 1000;

  PickleWriter(int protocol, bool python2) : protocol_(protocol), python2_(python2) {
    out_ = {0x80, static_cast<std::uint8_t>(protocol)};
  }

  // Each save_* below is one save() of CPython's pickler. `identity` names an object that Python shares between
  // uses; saving it again writes a BINGET of its memo entry.
  void save_none() {
    boundary();
    write({'N'});
  }

  void save_bool(bool value) {
    boundary();
    write({static_cast<std::uint8_t>(value ? 0x88 : 0x89)});
  }

  void save_int(std::int32_t value) {
    boundary();
    if (value >= 0 && value <= 0xff) {
      write({'K', static_cast<std::uint8_t>(value)});
    } else if (value >= 0 && value <= 0xffff) {
      write({'M'});
      write_le(static_cast<std::uint16_t>(value));
    } else {
      write({'J'});
      write_le(static_cast<std::uint32_t>(value));
    }
  }

  void save_text(std::string_view utf8, const std::string& identity = {}) {
    boundary();
    if (recall(identity)) return;
    std::vector<std::uint8_t> header;
    if (protocol_ >= 4 && utf8.size() <= 0xff) {
      header = {0x8c, static_cast<std::uint8_t>(utf8.size())};
    } else {
      header = {'X'};
      append_le(header, static_cast<std::uint32_t>(utf8.size()));
    }
    write_payload(header, as_bytes(utf8));
    memoize(identity);
  }

  void save_bytes(std::span<const std::uint8_t> data, const std::string& identity = {}) {
    boundary();
    if (recall(identity)) return;
    std::vector<std::uint8_t> header;
    if (python2_) {  // Python 2's str
      if (data.size() < 256) {
        header = {'U', static_cast<std::uint8_t>(data.size())};
      } else {
        header = {'T'};
        append_le(header, static_cast<std::uint32_t>(data.size()));
      }
    } else if (protocol_ < 3) {  // no bytes opcodes before protocol 3: save_reduce(codecs.encode, ...)
      if (data.empty()) {
        save_global("__builtin__", "bytes");
        begin_tuple(0);
        end_tuple(0);
      } else {
        save_global("_codecs", "encode");
        begin_tuple(2);
        save_text(latin1_as_utf8(data));
        save_text("latin1", "str:latin1");
        end_tuple(2);
      }
      write({'R'});
      memoize(identity);
      return;
    } else if (data.size() <= 0xff) {
      header = {'C', static_cast<std::uint8_t>(data.size())};
    } else {
      header = {'B'};
      append_le(header, static_cast<std::uint32_t>(data.size()));
    }
    write_payload(header, data);
    memoize(identity);
  }

  void save_bytearray(std::span<const std::uint8_t> data) {
    boundary();
    std::vector<std::uint8_t> header{0x96};
    append_le(header, static_cast<std::uint64_t>(data.size()));
    write_payload(header, data);
    memoize({});
  }

  void save_global(const std::string& module, const std::string& name) {
    boundary();
    const std::string identity = "global:" + module + "." + name;
    if (recall(identity)) return;
    if (protocol_ >= 4) {
      save_text(module, "str:" + module);
      save_text(name, "str:" + name);
      write({0x93});
    } else {
      write({'c'});
      write(as_bytes(module + "\n" + name + "\n"));
    }
    memoize(identity);
  }

  // A tuple: its items are saved between the two calls.
  void begin_tuple(std::size_t size) {
    boundary();
    if (size > 3) write({'('});
  }
  void end_tuple(std::size_t size) {
    if (size == 0) return write({')'});  // the empty tuple is a singleton that is never memoised
    write({size <= 3 ? static_cast<std::uint8_t>(0x84 + size) : std::uint8_t{'t'}});
    memoize({});
  }

  // A list of `size` items, `save_item(i)` saving item i. Python 2's pickle.py writes batches of 1,000 as
  // MARK ... APPENDS and a single left-over item as item APPEND; Python 3's _pickle.c (batch_list_exact) writes
  // every batch, even a left-over of one, as MARK ... APPENDS and uses APPEND only for a list of one item.
  template <typename SaveItem>
  void save_list(std::size_t size, SaveItem save_item) {
    boundary();
    write({']'});
    memoize({});
    std::size_t next = 0;
    if (!python2_ && size == 1) {
      save_item(std::size_t{0});
      return write({'a'});
    }
    while (next < size) {
      const std::size_t batch = std::min(kBatchSize, size - next);
      if (python2_ && batch == 1) {
        save_item(next++);
        write({'a'});
        continue;
      }
      write({'('});
      for (std::size_t i = 0; i < batch; ++i) save_item(next++);
      write({'e'});
    }
  }

  // numpy.dtype('uint8'): dtype(('u1', False, True)) then BUILD (3, '|', None, None, None, -1, -1, 0).
  void save_uint8_dtype() {
    boundary();
    if (recall("dtype:u1")) return;
    save_global("numpy", "dtype");
    begin_tuple(3);
    save_text("u1", "str:u1");
    save_bool(false);
    save_bool(true);
    end_tuple(3);
    write({'R'});
    memoize("dtype:u1");
    begin_tuple(8);
    save_int(3);
    save_text("|", "str:|");
    save_none();
    save_none();
    save_none();
    save_int(-1);
    save_int(-1);
    save_int(0);
    end_tuple(8);
    write({'b'});
  }

  // What cv2.imencode returns, an (n, 1) C-contiguous uint8 array, as ndarray.__reduce_ex__ pickles it:
  // _reconstruct(ndarray, (0,), b'b') + BUILD (1, shape, dtype, False, data) below protocol 5,
  // _frombuffer(PickleBuffer, dtype, shape, 'C') with the buffer in-band as BYTEARRAY8 at protocol 5.
  void save_numpy_image(std::span<const std::uint8_t> data, NumpyModules modules) {
    const std::string core = modules == NumpyModules::numpy1 ? "numpy.core" : "numpy._core";
    boundary();
    if (protocol_ >= 5) {
      save_global(core + ".numeric", "_frombuffer");
      begin_tuple(4);
      save_bytearray(data);
      save_uint8_dtype();
      save_column_shape(data.size());
      save_text("C", "str:C");
      end_tuple(4);
      write({'R'});
      memoize({});
      return;
    }
    save_global(core + ".multiarray", "_reconstruct");
    begin_tuple(3);
    save_global("numpy", "ndarray");
    begin_tuple(1);
    save_int(0);
    end_tuple(1);
    const std::uint8_t typecode = 'b';
    save_bytes({&typecode, 1}, "bytes:b");
    end_tuple(3);
    write({'R'});
    memoize({});
    begin_tuple(5);
    save_int(1);
    save_column_shape(data.size());
    save_uint8_dtype();
    save_bool(false);
    save_bytes(data);
    end_tuple(5);
    write({'b'});
  }

  std::vector<std::uint8_t> finish() {
    write({'.'});
    commit_frame();
    return std::move(out_);
  }

 private:
  bool framing() const { return protocol_ >= 4; }

  void boundary() {
    if (framing() && frame_.size() >= kFrameSizeTarget) commit_frame();
  }

  void commit_frame() {
    if (frame_.size() >= kFrameSizeMin) {
      out_.push_back(0x95);
      append_le(out_, static_cast<std::uint64_t>(frame_.size()));
    }
    out_.insert(out_.end(), frame_.begin(), frame_.end());
    frame_.clear();
  }

  void write(std::span<const std::uint8_t> bytes) {
    auto& target = framing() ? frame_ : out_;
    target.insert(target.end(), bytes.begin(), bytes.end());
  }
  void write(std::initializer_list<std::uint8_t> bytes) {
    write(std::span<const std::uint8_t>(bytes.begin(), bytes.size()));
  }

  // Pickle's write_large_bytes: a payload of a frame's size or more ends the frame and goes outside any frame.
  void write_payload(std::span<const std::uint8_t> header, std::span<const std::uint8_t> payload) {
    if (framing() && payload.size() >= kFrameSizeTarget) {
      commit_frame();
      out_.insert(out_.end(), header.begin(), header.end());
      out_.insert(out_.end(), payload.begin(), payload.end());
      return;
    }
    write(header);
    write(payload);
  }

  template <typename T>
  void write_le(T value) {
    std::vector<std::uint8_t> bytes;
    append_le(bytes, value);
    write(bytes);
  }

  template <typename T>
  static void append_le(std::vector<std::uint8_t>& bytes, T value) {
    for (std::size_t i = 0; i < sizeof(T); ++i) bytes.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
  }

  static std::span<const std::uint8_t> as_bytes(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
  }

  static std::string latin1_as_utf8(std::span<const std::uint8_t> data) {
    std::string utf8;
    for (const std::uint8_t byte : data) {
      if (byte < 0x80) {
        utf8 += static_cast<char>(byte);
      } else {
        utf8 += static_cast<char>(0xc0 | (byte >> 6));
        utf8 += static_cast<char>(0x80 | (byte & 0x3f));
      }
    }
    return utf8;
  }

  void save_column_shape(std::size_t length) {
    begin_tuple(2);
    save_int(static_cast<std::int32_t>(length));
    save_int(1);
    end_tuple(2);
  }

  bool recall(const std::string& identity) {
    if (identity.empty()) return false;
    const auto found = memo_.find(identity);
    if (found == memo_.end()) return false;
    if (found->second < 256) {
      write({'h', static_cast<std::uint8_t>(found->second)});
    } else {
      write({'j'});
      write_le(found->second);
    }
    return true;
  }

  void memoize(const std::string& identity) {
    const std::uint32_t index = next_memo_++;
    if (!identity.empty()) memo_[identity] = index;
    if (protocol_ >= 4) {
      write({0x94});
    } else if (index < 256) {
      write({'q', static_cast<std::uint8_t>(index)});
    } else {
      write({'r'});
      write_le(index);
    }
  }

  int protocol_;
  bool python2_;
  std::vector<std::uint8_t> out_;
  std::vector<std::uint8_t> frame_;
  std::uint32_t next_memo_ = 0;
  std::map<std::string, std::uint32_t> memo_;
};

// (images, issame) as `flavour` pickles it.
inline std::vector<std::uint8_t> pickle_pack(const std::vector<std::vector<std::uint8_t>>& images,
                                             const std::vector<bool>& issame, PickleFlavour flavour,
                                             ImageObjects objects = ImageObjects::bytes,
                                             NumpyModules modules = NumpyModules::numpy1) {
  const bool python2 = flavour == PickleFlavour::python2_protocol2;
  if (python2 && objects == ImageObjects::numpy_arrays) {
    throw std::invalid_argument("pickle_pack: the numpy flavours are Python 3's");
  }
  const int protocol = flavour == PickleFlavour::python3_protocol3   ? 3
                       : flavour == PickleFlavour::python3_protocol4 ? 4
                       : flavour == PickleFlavour::python3_protocol5 ? 5
                                                                     : 2;
  PickleWriter writer(protocol, python2);
  writer.begin_tuple(2);
  writer.save_list(images.size(), [&](std::size_t i) {
    if (objects == ImageObjects::numpy_arrays) {
      writer.save_numpy_image(images[i], modules);
    } else {
      writer.save_bytes(images[i]);
    }
  });
  writer.save_list(issame.size(), [&](std::size_t i) { writer.save_bool(issame[i]); });
  writer.end_tuple(2);
  return writer.finish();
}

}  // namespace marginlab::formats::fixtures
