#include "core/heads/elasticface.h"

namespace marginlab::heads {
namespace {

// The paper's m and σ for the form and assignment chosen (numbers given in the experiment override them).
void paper_defaults(ElasticFaceParams& p) {
  const auto seed = p.seed;
  p = ElasticFaceParams::defaults(p.kind, p.plus);
  p.seed = seed;
}

}  // namespace

const HeadTable<ElasticFaceParams>& table_of(const ElasticFaceParams*) {
  using P = ElasticFaceParams;
  static const HeadTable<P> t{
      "ElasticFace",
      {number("s", &P::s, kLogitScale, "logit scale"),
       number("m", &P::m, kAngularMargin, "mean of the random margin (rad for arc, cosine for cos)"),
       number("sigma", &P::sigma, {0.0, 1.0}, "standard deviation of the random margin"),
       choice("form", &P::kind,
              std::vector<std::pair<HeadChoice, ElasticKind>>{
                  {{"arc", "ArcFace's angular margin, drawn per sample (paper: m = 0.5)"}, ElasticKind::arc},
                  {{"cos", "CosFace's cosine margin, drawn per sample (paper: m = 0.35)"}, ElasticKind::cos}},
              "which margin is drawn at random"),
       choice("assignment", &P::plus,
              std::vector<std::pair<HeadChoice, bool>>{
                  {{"random", "each sample gets a draw of N(m, σ) (ElasticFace)"}, false},
                  {{"ranked", "larger draws go to samples farther from their class centre (ElasticFace+)"}, true}},
              "how the drawn margins are given to the samples")},
      paper_defaults};
  return t;
}

void ElasticFaceParams::validate() const { check_fields(*this); }

ElasticFaceParams ElasticFaceParams::defaults(ElasticKind kind, bool plus) {
  ElasticFaceParams p;
  p.kind = kind;
  p.plus = plus;
  if (kind == ElasticKind::arc) {
    p.m = 0.5;
    p.sigma = plus ? 0.0175 : 0.05;
  } else {
    p.m = 0.35;
    p.sigma = plus ? 0.02 : 0.05;
  }
  return p;
}

const HeadDescriptor& describe_elasticface() {
  const auto choices = [](const char* form, const char* assignment) {
    return HeadValues{{"form", std::string(form)}, {"assignment", std::string(assignment)}};
  };
  static const HeadDescriptor d = make_descriptor<ElasticFaceParams>(
      "elasticface", "ArcFace or CosFace with margins drawn from N(m, σ)", {{HeadCapability::random_margins, {}, {}}},
      {{"elasticface-arc", choices("arc", "random")},
       {"elasticface-arc+", choices("arc", "ranked")},
       {"elasticface-cos", choices("cos", "random")},
       {"elasticface-cos+", choices("cos", "ranked")}});
  return d;
}

}  // namespace marginlab::heads
