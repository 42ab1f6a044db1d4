#pragma once
// Every head's hyperparameters by head kind, without building a head: torch-free, so the GUI thread can list them,
// fill its editors and check an experiment's head settings (the head itself validates the same way when built).
#include <map>
#include <string>
#include <vector>

#include "core/heads/head_diagnostics.h"

namespace marginlab::heads {

// The kind's hyperparameters at its defaults with `values` applied (by name), each with its allowed range. Throws
// InvalidParameter for an unknown kind, an unknown parameter name (listing the known ones) or a value out of range,
// with the same messages as the head's own set_parameter.
std::vector<ParamValue> head_parameter_values(const std::string& kind, const std::map<std::string, double>& values = {});

}  // namespace marginlab::heads
