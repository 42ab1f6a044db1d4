#include "engine/backbones/strided_convolution.h"

#if MARGINLAB_WITH_DNNL
#include <torch/version.h>
#include <oneapi/dnnl/dnnl.hpp>

#include <array>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>
#endif

namespace marginlab::backbones {
namespace {
// Named apart from other files' helpers (the file joins a unity batch where it is built without oneDNN).
namespace blocked {

#if MARGINLAB_WITH_DNNL
constexpr std::int64_t kStride = 2;

// The options' variants: c10's in LibTorch 1.x, the standard library's in 2.x.
#if TORCH_VERSION_MAJOR >= 2
using std::get_if;
using std::holds_alternative;
#else
using c10::get_if;
using c10::holds_alternative;
#endif

using Dims = dnnl::memory::dims;
using Tag = dnnl::memory::format_tag;
constexpr auto kFloat = dnnl::memory::data_type::f32;

dnnl::engine& cpu() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

// What a weight gradient's primitives depend on: the input's and the output's sizes, and the weight's layout.
using Key = std::array<std::int64_t, 11>;

// One shape's primitives: the weight gradient in oneDNN's own layouts, the reorders of the channels-last input and
// output gradient into them, and the reorder of the result into the weight's layout.
struct Reorder {
  dnnl::reorder::primitive_desc desc;
  dnnl::reorder primitive;
};
struct Plan {
  dnnl::memory::desc input, output, weight;  // LibTorch's layouts
  dnnl::convolution_backward_weights::primitive_desc gradient;
  dnnl::convolution_backward_weights compute;
  Reorder input_in, output_in, weight_out;
};

// Every primitive gets its scratchpad with each call (run, below), so that steps on several threads never share one.
dnnl::primitive_attr own_scratchpad() {
  dnnl::primitive_attr attributes;
  attributes.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return attributes;
}

Reorder make_reorder(const dnnl::memory::desc& from, const dnnl::memory::desc& to) {
  const dnnl::reorder::primitive_desc desc(cpu(), from, cpu(), to, own_scratchpad());
  return {desc, dnnl::reorder(desc)};
}

Plan make_plan(const torch::Tensor& x, const torch::Tensor& grad, const torch::Tensor& weight) {
  const Dims input{x.size(0), x.size(1), x.size(2), x.size(3)};
  const Dims output{grad.size(0), grad.size(1), grad.size(2), grad.size(3)};
  const Dims kernel{weight.size(0), weight.size(1), 3, 3};
  const Dims strides{kStride, kStride}, before{1, 1};
  // The padding after the last row (column) that the output's size implies: 0 for even sizes, 1 for odd ones.
  const Dims after{(output[2] - 1) * kStride + 3 - input[2] - 1, (output[3] - 1) * kStride + 3 - input[3] - 1};
  const auto any = [](const Dims& d) { return dnnl::memory::desc(d, kFloat, Tag::any); };
  const dnnl::convolution_forward::primitive_desc forward(
      dnnl::convolution_forward::desc(dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct,
                                      any(input), any(kernel), any(output), strides, before, after),
      cpu());
  const dnnl::convolution_backward_weights::primitive_desc gradient(
      dnnl::convolution_backward_weights::desc(dnnl::algorithm::convolution_direct, any(input), any(kernel),
                                               any(output), strides, before, after),
      own_scratchpad(), cpu(), forward);
  const dnnl::memory::desc input_user(input, kFloat, Tag::nhwc), output_user(output, kFloat, Tag::nhwc);
  const dnnl::memory::desc weight_user(kernel, kFloat, Dims(weight.strides().begin(), weight.strides().end()));
  return {input_user,
          output_user,
          weight_user,
          gradient,
          dnnl::convolution_backward_weights(gradient),
          make_reorder(input_user, gradient.src_desc()),
          make_reorder(output_user, gradient.diff_dst_desc()),
          make_reorder(gradient.diff_weights_desc(), weight_user)};
}

// Primitives are made once per shape (some milliseconds each) and kept for the process.
const Plan& plan_for(const torch::Tensor& x, const torch::Tensor& grad, const torch::Tensor& weight) {
  static std::mutex mutex;
  static std::map<Key, std::unique_ptr<Plan>> plans;
  const Key key{x.size(0),    x.size(1),        x.size(2),        x.size(3),        grad.size(1),    grad.size(2),
                grad.size(3), weight.stride(0), weight.stride(1), weight.stride(2), weight.stride(3)};
  std::lock_guard lock(mutex);
  auto& plan = plans[key];
  if (!plan) plan = std::make_unique<Plan>(make_plan(x, grad, weight));
  return *plan;
}

torch::Tensor bytes(const dnnl::memory::desc& desc) {
  return torch::empty({static_cast<std::int64_t>(desc.get_size())}, torch::kUInt8);
}

// Runs `primitive` on `arguments` with a scratchpad of its own, where it needs one.
void run(const dnnl::primitive& primitive, const dnnl::memory::desc& scratchpad_desc, dnnl::stream& stream,
         std::unordered_map<int, dnnl::memory> arguments) {
  torch::Tensor scratchpad;
  if (scratchpad_desc.get_size() > 0) {
    scratchpad = bytes(scratchpad_desc);
    arguments.emplace(DNNL_ARG_SCRATCHPAD, dnnl::memory(scratchpad_desc, cpu(), scratchpad.data_ptr()));
  }
  primitive.execute(stream, arguments);
}

void run(const Reorder& reorder, dnnl::stream& stream, const dnnl::memory& from, const dnnl::memory& to) {
  run(reorder.primitive, reorder.desc.scratchpad_desc(), stream, {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}});
}

// ∂L/∂weight for the channels-last input `x` and output gradient `grad`, in `weight`'s layout.
torch::Tensor weight_gradient(const torch::Tensor& x, const torch::Tensor& grad, const torch::Tensor& weight) {
  const auto& plan = plan_for(x, grad, weight);
  const auto& gradient = plan.gradient;
  auto input = bytes(gradient.src_desc()), output = bytes(gradient.diff_dst_desc());
  auto blocked_weight = bytes(gradient.diff_weights_desc());
  auto result = torch::empty_strided(weight.sizes(), weight.strides(), weight.options());
  const auto& engine = cpu();
  // oneDNN reads the inputs through non-const handles; it does not write them.
  const dnnl::memory x_user(plan.input, engine, const_cast<void*>(x.data_ptr()));
  const dnnl::memory grad_user(plan.output, engine, const_cast<void*>(grad.data_ptr()));
  const dnnl::memory x_blocked(gradient.src_desc(), engine, input.data_ptr());
  const dnnl::memory grad_blocked(gradient.diff_dst_desc(), engine, output.data_ptr());
  const dnnl::memory weight_blocked(gradient.diff_weights_desc(), engine, blocked_weight.data_ptr());
  const dnnl::memory weight_user(plan.weight, engine, result.data_ptr());
  dnnl::stream stream(engine);
  run(plan.input_in, stream, x_user, x_blocked);
  run(plan.output_in, stream, grad_user, grad_blocked);
  run(plan.compute, gradient.scratchpad_desc(), stream,
      {{DNNL_ARG_SRC, x_blocked}, {DNNL_ARG_DIFF_DST, grad_blocked}, {DNNL_ARG_DIFF_WEIGHTS, weight_blocked}});
  run(plan.weight_out, stream, weight_blocked, weight_user);
  stream.wait();
  return result;
}

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

struct StridedConvolution : torch::autograd::Function<StridedConvolution> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x, const torch::Tensor& weight) {
    ctx->save_for_backward({x, weight});
    return at::convolution(x, weight, c10::nullopt, {kStride, kStride}, {1, 1}, {1, 1}, false, {0, 0}, 1);
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const auto &x = saved[0], &weight = saved[1];
    const auto grad = grads[0].contiguous(torch::MemoryFormat::ChannelsLast);
    torch::Tensor grad_input, grad_weight;
    if (ctx->needs_input_grad(0)) {
      grad_input = std::get<0>(at::convolution_backward(grad, x, weight, c10::nullopt, {kStride, kStride}, {1, 1},
                                                        {1, 1}, false, {0, 0}, 1, {true, false, false}));
    }
    if (ctx->needs_input_grad(1)) grad_weight = weight_gradient(x, grad, weight);
    return {grad_input, grad_weight};
  }
};
#endif

}  // namespace blocked
}  // namespace

bool blocked_weight_gradient_available() {
#if MARGINLAB_WITH_DNNL
  return true;
#else
  return false;
#endif
}

bool blocked_weight_gradient_applies(const torch::nn::Conv2dImpl& conv, const torch::Tensor& x) {
#if MARGINLAB_WITH_DNNL
  const auto& o = conv.options;
  const auto* padding = blocked::get_if<torch::ExpandingArray<2>>(&o.padding());
  const auto& w = conv.weight;
  return torch::GradMode::is_enabled() && w.requires_grad() && x.dim() == 4 && x.device().is_cpu() &&
         x.scalar_type() == torch::kFloat32 && w.scalar_type() == torch::kFloat32 &&
         x.is_contiguous(torch::MemoryFormat::ChannelsLast) && w.dim() == 4 && w.size(2) == 3 && w.size(3) == 3 &&
         (*o.stride())[0] == blocked::kStride && (*o.stride())[1] == blocked::kStride && padding &&
         (**padding)[0] == 1 && (**padding)[1] == 1 && (*o.dilation())[0] == 1 && (*o.dilation())[1] == 1 &&
         o.groups() == 1 && !o.bias() && blocked::holds_alternative<torch::enumtype::kZeros>(o.padding_mode());
#else
  (void)conv;
  (void)x;
  return false;
#endif
}

torch::Tensor convolve_with_blocked_weight_gradient(const torch::nn::Conv2dImpl& conv, const torch::Tensor& x) {
#if MARGINLAB_WITH_DNNL
  return blocked::StridedConvolution::apply(x, conv.weight);
#else
  (void)x;
  return const_cast<torch::nn::Conv2dImpl&>(conv).forward(x);
#endif
}

}  // namespace marginlab::backbones
