// Hyperparameter validation: a bad value throws marginlab::InvalidParameter naming the parameter, the value and the
// allowed range, and leaves the head exactly as it was.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cctype>
#include <cmath>
#include <map>
#include <limits>
#include <string>

#include "core/errors.h"
#include "core/heads/head_registry.h"
#include "engine/heads/adaface.h"
#include "engine/heads/arcface.h"
#include "engine/heads/cosface.h"
#include "engine/heads/curricularface.h"
#include "engine/heads/elasticface.h"
#include "engine/heads/head_factory.h"
#include "engine/heads/kappaface.h"
#include "engine/heads/magface.h"
#include "engine/heads/normface.h"

namespace mh = marginlab::heads;
using marginlab::InvalidParameter;

namespace {

// Runs `fn`, expects InvalidParameter and returns its message.
template <class Fn>
std::string message_of(Fn&& fn) {
  try {
    fn();
  } catch (const InvalidParameter& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "threw the wrong exception type: " << e.what();
    return {};
  }
  ADD_FAILURE() << "did not throw InvalidParameter";
  return {};
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Every parameter of a head as name → value, to compare before and after a rejected change.
mh::HeadValues snapshot(const mh::MarginHeadImpl& head) { return mh::values_of(head.parameter_values()); }

double number(const mh::HeadValues& values, const std::string& name) { return std::get<double>(values.at(name)); }


}  // namespace

TEST(HeadParams, RangeContainsAndDescribe) {
  const mh::ParamRange closed{0.0, 1.0};
  EXPECT_TRUE(closed.contains(0.0));
  EXPECT_TRUE(closed.contains(1.0));
  EXPECT_FALSE(closed.contains(-1e-12));
  EXPECT_FALSE(closed.contains(1.0 + 1e-12));
  EXPECT_FALSE(closed.contains(std::numeric_limits<double>::quiet_NaN()));
  EXPECT_EQ(closed.describe(), "[0, 1]");
  const mh::ParamRange open{0.0, std::numeric_limits<double>::infinity(), true, true};
  EXPECT_FALSE(open.contains(0.0));
  EXPECT_TRUE(open.contains(1e300));
  EXPECT_FALSE(open.contains(std::numeric_limits<double>::infinity()));
  EXPECT_EQ(open.describe(), "(0, inf)");
}

TEST(HeadParams, CheckParamMessageNamesHeadParameterValueAndRange) {
  const auto msg = message_of([] { mh::check_param("Foo", "bar", 2.5, mh::ParamRange{0.0, 1.0, false, true}); });
  EXPECT_TRUE(contains(msg, "Foo")) << msg;
  EXPECT_TRUE(contains(msg, "bar = 2.5")) << msg;
  EXPECT_TRUE(contains(msg, "[0, 1)")) << msg;
  EXPECT_NO_THROW(mh::check_param("Foo", "bar", 0.5, mh::ParamRange{0.0, 1.0}));
}

TEST(HeadParams, NegativeScaleIsRejectedForEveryHead) {
  for (const auto& variant : mh::head_variants()) {
    const std::string kind = variant.label();
    auto head = mh::make_head(mh::spec_for(variant, 4, 3));
    const auto before = snapshot(*head);
    const auto msg = message_of([&] { head->set_parameter("s", -1.0); });
    EXPECT_TRUE(contains(msg, "s = -1")) << kind << ": " << msg;
    EXPECT_TRUE(contains(msg, "(0, 1024]")) << kind << ": " << msg;
    EXPECT_EQ(snapshot(*head), before) << kind;
    EXPECT_EQ(head->scale(), 64.0) << kind;
  }
}

TEST(HeadParams, AdaFaceHOutsideUnitIntervalIsRejectedAndParamsUnchanged) {
  mh::AdaFaceHeadImpl head(4, 3);
  for (double bad : {1.5, -0.25}) {
    const auto msg = message_of([&] { head.set_parameter("h", bad); });
    EXPECT_TRUE(contains(msg, "AdaFace")) << msg;
    EXPECT_TRUE(contains(msg, "h = ")) << msg;
    EXPECT_TRUE(contains(msg, bad > 0 ? "1.5" : "-0.25")) << msg;
    EXPECT_TRUE(contains(msg, "[0, 1]")) << msg;
    EXPECT_DOUBLE_EQ(head.params().h, 0.333);
  }
  // The struct path validates as well and keeps every field.
  mh::AdaFaceParams p = head.params();
  p.m = 0.2;
  p.h = 2.0;
  EXPECT_THROW(head.set_params(p), InvalidParameter);
  EXPECT_DOUBLE_EQ(head.params().m, 0.4);
  EXPECT_DOUBLE_EQ(head.params().h, 0.333);
  // A valid change goes through.
  head.set_parameter("h", 0.0);
  EXPECT_DOUBLE_EQ(head.params().h, 0.0);
}

TEST(HeadParams, KappaFaceGammaOutsideUnitIntervalIsRejected) {
  mh::KappaFaceHeadImpl head(4, {2, 3}, 5);
  const auto before = snapshot(head);
  const auto msg = message_of([&] { head.set_parameter("gamma", 1.01); });
  EXPECT_TRUE(contains(msg, "gamma = 1.01")) << msg;
  EXPECT_TRUE(contains(msg, "[0, 1]")) << msg;
  EXPECT_EQ(snapshot(head), before);
  EXPECT_DOUBLE_EQ(head.params().gamma, 0.7);
}

TEST(HeadParams, NaNAndInfinityAreRejectedEverywhere) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  for (const auto& variant : mh::head_variants()) {
    const std::string kind = variant.label();
    auto head = mh::make_head(mh::spec_for(variant, 4, 3));
    const auto before = snapshot(*head);
    for (const auto& p : head->parameter_values()) {
      if (!p.live) {
        // A choice is fixed for the run: a live change of it is refused, naming it.
        const auto msg = message_of([&] { head->set_parameter(p.name, 1.0); });
        EXPECT_TRUE(contains(msg, p.name + " is fixed for a run")) << kind << ": " << msg;
        continue;
      }
      const auto msg = message_of([&] { head->set_parameter(p.name, nan); });
      EXPECT_TRUE(contains(msg, p.name + " = ")) << kind << ": " << msg;
      EXPECT_TRUE(contains(lower(msg), "nan")) << kind << ": " << msg;
      const auto msg_inf = message_of([&] { head->set_parameter(p.name, inf); });
      EXPECT_TRUE(contains(msg_inf, p.name + " = inf")) << kind << ": " << msg_inf;
    }
    EXPECT_EQ(snapshot(*head), before) << kind;
  }
}

TEST(HeadParams, UnknownNameIsRejectedNamingItAndTheKnownOnes) {
  mh::CosFaceHeadImpl head(4, 3);
  const auto before = snapshot(head);
  const auto msg = message_of([&] { head.set_parameter("margin", 0.3); });
  EXPECT_TRUE(contains(msg, "'margin'")) << msg;
  EXPECT_TRUE(contains(msg, "CosFace")) << msg;
  EXPECT_TRUE(contains(msg, "s, m")) << msg;
  EXPECT_EQ(snapshot(head), before);
}

TEST(HeadParams, SetParameterChangesOnlyTheNamedField) {
  mh::ArcFaceHeadImpl head(4, 3);
  head.set_parameter("m", 0.3);
  EXPECT_DOUBLE_EQ(head.params().m, 0.3);
  EXPECT_DOUBLE_EQ(head.params().s, 64.0);
  EXPECT_DOUBLE_EQ(head.params().eps, 1e-4);
  const auto values = head.parameter_values();
  ASSERT_EQ(values.size(), 4u);
  EXPECT_EQ(values[3].name, "form");
  EXPECT_EQ(values[3].type, mh::HeadParamType::choice);
  EXPECT_EQ(values[3].choice, "exact");
  EXPECT_EQ(values[1].name, "m");
  EXPECT_DOUBLE_EQ(values[1].value, 0.3);
  EXPECT_DOUBLE_EQ(values[1].hi, M_PI / 2);
  EXPECT_DOUBLE_EQ(values[1].lo, -M_PI / 2);
  // eps must be strictly positive.
  const auto msg = message_of([&] { head.set_parameter("eps", 0.0); });
  EXPECT_TRUE(contains(msg, "eps = 0")) << msg;
  EXPECT_TRUE(contains(msg, "(0, 0.1]")) << msg;
  EXPECT_DOUBLE_EQ(head.params().eps, 1e-4);
}

TEST(HeadParams, MarginBoundsOfEachHead) {
  mh::ArcFaceHeadImpl arc(4, 3);
  EXPECT_THROW(arc.set_parameter("m", 1.6), InvalidParameter);
  EXPECT_NO_THROW(arc.set_parameter("m", -0.2));  // negative angular margins are allowed for ArcFace
  mh::AdaFaceHeadImpl ada(4, 3);
  EXPECT_THROW(ada.set_parameter("m", -0.1), InvalidParameter);  // but not for AdaFace
  EXPECT_THROW(ada.set_parameter("t_alpha", 1.5), InvalidParameter);
  mh::CurricularFaceHeadImpl cur(4, 3);
  EXPECT_THROW(cur.set_parameter("t_alpha", -0.01), InvalidParameter);
  EXPECT_DOUBLE_EQ(cur.params().t_alpha, 0.01);
  mh::ElasticFaceHeadImpl el(4, 3);
  EXPECT_THROW(el.set_parameter("sigma", -0.01), InvalidParameter);
  EXPECT_DOUBLE_EQ(el.params().sigma, 0.05);
  mh::KappaFaceHeadImpl kf(4, {2, 2}, 4);
  EXPECT_THROW(kf.set_parameter("temperature", 0.0), InvalidParameter);
  EXPECT_THROW(kf.set_parameter("memory_momentum", 0.0), InvalidParameter);
  EXPECT_THROW(kf.set_parameter("m0", -0.1), InvalidParameter);
  EXPECT_DOUBLE_EQ(kf.params().m0, 0.8);
}

TEST(HeadParams, MagFaceNormBoundsMustBeOrdered) {
  mh::MagFaceHeadImpl head(4, 3);
  const auto msg = message_of([&] { head.set_parameter("u_a", 5.0); });
  EXPECT_TRUE(contains(msg, "u_a = 5")) << msg;
  EXPECT_TRUE(contains(msg, "l_a = 10")) << msg;
  EXPECT_DOUBLE_EQ(head.params().u_a, 110.0);
  EXPECT_THROW(head.set_parameter("l_a", 110.0), InvalidParameter);
  EXPECT_DOUBLE_EQ(head.params().l_a, 10.0);
}

TEST(HeadParams, KappaFaceRefreshStepsMustBeNonNegative) {
  mh::KappaFaceParams p;
  p.refresh_every_steps = -1;
  const auto msg = message_of([&] { p.validate(); });
  EXPECT_TRUE(contains(msg, "refresh_every_steps = -1")) << msg;
  EXPECT_THROW(mh::KappaFaceHeadImpl(4, {2, 2}, 4, p), InvalidParameter);
}

TEST(HeadParams, ConstructorRejectsInvalidParamsAndShapes) {
  mh::NormFaceParams nf;
  nf.s = 0.0;
  EXPECT_THROW(mh::NormFaceHeadImpl(4, 3, nf), InvalidParameter);
  mh::CosFaceParams cf;
  cf.m = 2.5;
  EXPECT_THROW(mh::CosFaceHeadImpl(4, 3, cf), InvalidParameter);
  EXPECT_THROW(mh::NormFaceHeadImpl(0, 3), InvalidParameter);
  EXPECT_THROW(mh::NormFaceHeadImpl(4, 0), InvalidParameter);
}

TEST(HeadParams, FactoryAppliesValuesAndRejectsUnknownKinds) {
  mh::HeadSpec spec{"cosface", 4, 3};
  spec.values = {{"m", 0.25}, {"s", 30.0}};
  auto head = mh::make_head(spec);
  auto values = snapshot(*head);
  EXPECT_DOUBLE_EQ(number(values, "m"), 0.25);
  EXPECT_DOUBLE_EQ(head->scale(), 30.0);
  spec.values = {{"m", 9.0}};
  EXPECT_THROW(mh::make_head(spec), InvalidParameter);
  const auto msg = message_of([] { mh::make_head(mh::HeadSpec{"sphereface", 4, 3}); });
  EXPECT_TRUE(contains(msg, "sphereface")) << msg;
  EXPECT_THROW(mh::make_head(mh::HeadSpec{"elasticface-foo", 4, 3}), InvalidParameter);
  mh::HeadSpec kappa{"kappaface", 4, 3};
  kappa.class_counts = {1, 2};
  EXPECT_THROW(mh::make_head(kappa), InvalidParameter);
}
