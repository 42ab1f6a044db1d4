#include "engine/export/onnx_export.h"

#include <fmt/format.h>
#include <onnx/checker.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <algorithm>
#include <cctype>
#include <variant>

#include "core/version.h"
#include "engine/export/export_error.h"

namespace marginlab::exporting {
namespace {

using backbones::Activation;
using backbones::BatchNormView;
using backbones::FeatureShape;

constexpr std::int64_t kOnnxIrVersion = 8;  // what ONNX 1.12 writes for opset 13 models

void set_ints(onnx::NodeProto& node, const std::string& name, const std::vector<std::int64_t>& values) {
  auto* attribute = node.add_attribute();
  attribute->set_name(name);
  attribute->set_type(onnx::AttributeProto::INTS);
  for (const auto v : values) attribute->add_ints(v);
}

void set_int(onnx::NodeProto& node, const std::string& name, std::int64_t value) {
  auto* attribute = node.add_attribute();
  attribute->set_name(name);
  attribute->set_type(onnx::AttributeProto::INT);
  attribute->set_i(value);
}

void set_string(onnx::NodeProto& node, const std::string& name, const std::string& value) {
  auto* attribute = node.add_attribute();
  attribute->set_name(name);
  attribute->set_type(onnx::AttributeProto::STRING);
  attribute->set_s(value);
}

void set_float(onnx::NodeProto& node, const std::string& name, float value) {
  auto* attribute = node.add_attribute();
  attribute->set_name(name);
  attribute->set_type(onnx::AttributeProto::FLOAT);
  attribute->set_f(value);
}

// Builds the graph as the backbone walks itself: one ONNX node per layer, named after the module, its output tensor
// named like the node and its weights like the module's parameters ("layer1.0.conv1.weight").
class OnnxGraphBuilder : public backbones::LayerWalker {
 public:
  explicit OnnxGraphBuilder(onnx::GraphProto& graph) : graph_(graph) {}

 protected:
  std::string on_convolution(const std::string& name, const torch::nn::Conv2dImpl& conv, const Activation& input,
                             const FeatureShape& /*output*/) override {
    const auto& o = conv.options;
    using std::get_if;
    if (get_if<torch::enumtype::kZeros>(&o.padding_mode()) == nullptr) {
      auto mode = torch::enumtype::get_enum_name(o.padding_mode());  // "kReflect"
      std::transform(mode.begin(), mode.end(), mode.begin(), [](unsigned char c) { return std::tolower(c); });
      throw ExportError(fmt::format("ONNX export: layer {} pads with mode '{}'; only zero padding is exported", name,
                                    mode.substr(1)));
    }
    // The walker has already refused 'same'/'valid' padding.
    const auto& padding = **get_if<torch::ExpandingArray<2>>(&o.padding());
    std::vector<std::string> inputs{input.tensor, initializer(name + ".weight", conv.weight)};
    if (o.bias()) inputs.push_back(initializer(name + ".bias", conv.bias));
    auto& node = add_node("Conv", name, inputs);
    set_ints(node, "kernel_shape", {(*o.kernel_size())[0], (*o.kernel_size())[1]});
    set_ints(node, "strides", {(*o.stride())[0], (*o.stride())[1]});
    set_ints(node, "pads", {padding[0], padding[1], padding[0], padding[1]});
    set_ints(node, "dilations", {(*o.dilation())[0], (*o.dilation())[1]});
    set_int(node, "group", o.groups());
    return name;
  }

  std::string on_linear(const std::string& name, const torch::nn::LinearImpl& linear, const Activation& input,
                        const FeatureShape& /*output*/) override {
    // Gemm with transB computes x·Wᵀ + b from LibTorch's (out, in) weight as it is.
    std::vector<std::string> inputs{input.tensor, initializer(name + ".weight", linear.weight)};
    if (linear.options.bias()) inputs.push_back(initializer(name + ".bias", linear.bias));
    auto& node = add_node("Gemm", name, inputs);
    set_int(node, "transB", 1);
    return name;
  }

  std::string on_batch_norm(const std::string& name, const BatchNormView& norm, const Activation& input) override {
    if (!norm.running_mean.defined() || !norm.running_var.defined()) {
      throw ExportError("ONNX export: layer " + name +
                        " keeps no running statistics (it normalises by each batch's own), which inference lacks");
    }
    const auto weight = norm.weight.defined() ? norm.weight : torch::ones({norm.num_features});
    const auto bias = norm.bias.defined() ? norm.bias : torch::zeros({norm.num_features});
    auto& node = add_node("BatchNormalization", name,
                          {input.tensor, initializer(name + ".weight", weight), initializer(name + ".bias", bias),
                           initializer(name + ".running_mean", norm.running_mean),
                           initializer(name + ".running_var", norm.running_var)});
    set_float(node, "epsilon", static_cast<float>(norm.eps));
    return name;
  }

  std::string on_prelu(const std::string& name, const torch::nn::PReLUImpl& prelu, const Activation& input) override {
    // One slope per channel, broadcast over (H, W) of a feature map: ONNX's PRelu broadcasts from the right.
    auto slope = prelu.weight;
    if (!input.flat && slope.numel() > 1) slope = slope.reshape({slope.numel(), 1, 1});
    add_node("PRelu", name, {input.tensor, initializer(name + ".weight", slope)});
    return name;
  }

  std::string on_add(const std::string& name, const Activation& branch, const Activation& shortcut) override {
    add_node("Add", name, {branch.tensor, shortcut.tensor});
    return name;
  }

  std::string on_flatten(const std::string& name, const Activation& input, const FeatureShape& /*output*/) override {
    set_int(add_node("Flatten", name, {input.tensor}), "axis", 1);
    return name;
  }

  // MaxPool over 1×1 windows is exactly taking every stride-th pixel, as AdaFace's MaxPool2d(1, stride) does.
  std::string on_subsample(const std::string& name, const Activation& input, std::int64_t stride) override {
    auto& node = add_node("MaxPool", name, {input.tensor});
    set_ints(node, "kernel_shape", {1, 1});
    set_ints(node, "strides", {stride, stride});
    return name;
  }

  std::string on_global_average_pool(const std::string& name, const Activation& input) override {
    add_node("GlobalAveragePool", name, {input.tensor});
    return name;
  }

  std::string on_relu(const std::string& name, const Activation& input) override {
    add_node("Relu", name, {input.tensor});
    return name;
  }

  std::string on_sigmoid(const std::string& name, const Activation& input) override {
    add_node("Sigmoid", name, {input.tensor});
    return name;
  }

  // (N, C, H, W) × (N, C, 1, 1). The gate is first spread over the map (nearest-neighbour resizing of a 1×1 map is
  // exactly that): OpenCV's DNN (the parity check, and a common runtime) multiplies only equal shapes of two computed
  // tensors, and its Expand loses the batch.
  std::string on_scale(const std::string& name, const Activation& input, const Activation& gate) override {
    const auto scales = torch::tensor({1.0f, 1.0f, static_cast<float>(input.shape.height),
                                       static_cast<float>(input.shape.width)});
    auto& spread = add_node("Resize", name + ".spread", {gate.tensor, "", initializer(name + ".scales", scales)});
    set_string(spread, "mode", "nearest");
    add_node("Mul", name, {input.tensor, name + ".spread"});
    return name;
  }

 private:
  onnx::NodeProto& add_node(const std::string& op, const std::string& name, const std::vector<std::string>& inputs) {
    auto* node = graph_.add_node();
    node->set_op_type(op);
    node->set_name(name);
    for (const auto& input : inputs) node->add_input(input);
    node->add_output(name);
    return *node;
  }

  // The tensor as float32 in standard (row-major) layout, whatever its device, dtype or memory format in training.
  std::string initializer(const std::string& name, const torch::Tensor& tensor) {
    const auto values = tensor.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    auto* proto = graph_.add_initializer();
    proto->set_name(name);
    proto->set_data_type(onnx::TensorProto::FLOAT);
    for (const auto side : values.sizes()) proto->add_dims(side);
    proto->set_raw_data(values.data_ptr(), static_cast<std::size_t>(values.numel()) * sizeof(float));
    return name;
  }

  onnx::GraphProto& graph_;
};

void add_tensor_value(google::protobuf::RepeatedPtrField<onnx::ValueInfoProto>& values, const std::string& name,
                      const std::vector<std::int64_t>& fixed_sides) {
  auto* value = values.Add();
  value->set_name(name);
  auto* tensor = value->mutable_type()->mutable_tensor_type();
  tensor->set_elem_type(onnx::TensorProto::FLOAT);
  auto* shape = tensor->mutable_shape();
  shape->add_dim()->set_dim_param("batch");
  for (const auto side : fixed_sides) shape->add_dim()->set_dim_value(side);
}

}  // namespace

std::string onnx_model_bytes(const backbones::BackboneImpl& backbone, const OnnxMetadata& metadata) {
  const auto& spec = backbone.spec();
  onnx::ModelProto model;
  model.set_ir_version(kOnnxIrVersion);
  model.set_producer_name("MarginLab");
  model.set_producer_version(kVersion);
  model.set_doc_string(fmt::format("{} face-embedding backbone: images (batch, 3, {}, {}) -> raw embedding (batch, {})",
                                   spec.kind, spec.input_size, spec.input_size, spec.embedding_dim));
  auto* opset = model.add_opset_import();
  opset->set_domain("");
  opset->set_version(kOnnxOpset);
  for (const auto& [key, value] : metadata) {
    auto* entry = model.add_metadata_props();
    entry->set_key(key);
    entry->set_value(value);
  }

  auto& graph = *model.mutable_graph();
  graph.set_name(spec.kind);
  add_tensor_value(*graph.mutable_input(), kOnnxInputName, {3, spec.input_size, spec.input_size});
  OnnxGraphBuilder builder(graph);
  const auto raw = backbone.walk(
      builder, Activation{.shape = FeatureShape{3, spec.input_size, spec.input_size}, .tensor = kOnnxInputName});
  // The last layer's output is the model's output: renamed rather than copied by an Identity node.
  for (auto& node : *graph.mutable_node()) {
    if (node.output(0) == raw.tensor) node.set_output(0, kOnnxOutputName);
  }
  add_tensor_value(*graph.mutable_output(), kOnnxOutputName, {spec.embedding_dim});

  try {
    onnx::checker::check_model(model);
    // Strict inference also proves that the declared output shape is the one the graph computes.
    onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(),
                                       onnx::ShapeInferenceOptions(/*check_type=*/true, /*strict_mode=*/1));
  } catch (const std::exception& error) {
    throw ExportError(fmt::format("ONNX export of {}: the ONNX checker rejects the graph: {}", spec.kind, error.what()));
  }
  std::string bytes;
  if (!model.SerializeToString(&bytes)) {
    throw ExportError("ONNX export of " + spec.kind + ": protobuf could not serialise the model (over 2 GiB?)");
  }
  return bytes;
}

}  // namespace marginlab::exporting
