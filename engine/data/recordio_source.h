#pragma once
// An MXNet RecordIO training set (insightface's train.rec/train.idx, or an im2rec-built .rec) as a SampleSource.
// Images are read by key through the .idx with pread() and decoded when asked for: the .rec is never loaded, any
// number of loader threads read at once, and memory holds only the index and the per-class bookkeeping.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/data/sample_source.h"
#include "engine/formats/recordio.h"

namespace marginlab::data {

class RecordIOSource : public SampleSource {
 public:
  // `path`: a folder holding train.rec and train.idx (insightface's layout, with its `property` file), or a .rec
  // file whose .idx has the same name beside it. Images come out in `order`: RGB by default, as MXNet and PIL
  // decode them (and as insightface's arcface_torch trains). Throws InvalidFile for a missing or malformed dataset.
  // What had to be recovered while opening (float32-rounded header values, rebuilt ranges) is logged as warnings
  // and kept in notes().
  explicit RecordIOSource(const std::string& path, ColorOrder order = ColorOrder::rgb);

  std::int64_t size() const override { return images_.size(); }
  std::int64_t num_classes() const override { return images_.num_classes(); }
  std::int64_t label(std::int64_t index) const override { return images_.label(index); }
  std::vector<std::int64_t> class_counts() const override { return images_.class_counts(); }
  // Reads and decodes record key(index). A corrupt record or image throws UnreadableSample naming the .rec and the
  // key, as does a record whose own label contradicts the class its identity record gives it.
  ImageSample load(std::int64_t index) const override;
  ColorOrder color_order() const override { return order_; }
  std::string describe() const override;

  std::int64_t key(std::int64_t index) const { return images_.key(index); }
  formats::recordio::Layout layout() const { return images_.layout(); }
  const std::vector<std::string>& notes() const { return notes_; }
  const std::string& rec_path() const { return file_->origin(); }

 private:
  std::unique_ptr<formats::recordio::RecordFile> file_;
  formats::recordio::ImageList images_;
  ColorOrder order_;
  std::string property_;  // insightface's "classes,height,width" line, when the folder has one
  std::vector<std::string> notes_;
};

}  // namespace marginlab::data
