#pragma once
// A head's hyperparameters as values: what experiment files, the CLI, the telemetry and the GUI's editors carry.
// Torch-free; the heads' own typed structs are in core/heads/<head>.h.
#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace marginlab::heads {

enum class HeadParamType {
  number,   // a real value in a range
  integer,  // a whole number in a range
  choice,   // one of named alternatives: a variant of the head (ArcFace's form, KappaFace's formula)
};

struct HeadChoice {
  std::string name;
  std::string tip;
};

// A number (integers are whole numbers) or the name of a choice.
using HeadValue = std::variant<double, std::string>;
// By parameter name.
using HeadValues = std::map<std::string, HeadValue>;

// A head's hyperparameter as the GUI and the telemetry list it: what it is and its value now.
struct ParamValue {
  std::string name;
  double value = std::numeric_limits<double>::quiet_NaN();  // number and integer
  double lo = 0;
  double hi = 0;
  bool lo_open = false;
  bool hi_open = false;
  std::string help;
  HeadParamType type = HeadParamType::number;
  std::string choice;               // choice: the chosen name
  std::vector<HeadChoice> choices;  // choice: every name, in the order editors list them
  bool live = true;                 // may change between two steps of a run (the live panel)

  HeadValue head_value() const {
    if (type == HeadParamType::choice) return choice;
    return value;
  }
};

}  // namespace marginlab::heads
