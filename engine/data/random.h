#pragma once
// Counter-based randomness for the data pipeline: every random decision is a pure function of what it belongs to
// (seed, identity, sample, epoch, position), so rendering, shuffling and augmentation are reproducible on any
// thread, in any order, and a resumed run sees exactly the numbers an uninterrupted one would. No std::
// distributions: their output differs between standard libraries, ours is the same everywhere.
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <numbers>
#include <random>

namespace marginlab::data {

// splitmix64's finaliser: a bijection on 64 bits whose output bits each depend on every input bit.
constexpr std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// A 64-bit key for a tuple of values; order matters, (1, 2) and (2, 1) differ.
constexpr std::uint64_t hash_key(std::initializer_list<std::uint64_t> parts) {
  std::uint64_t h = 0x6a09e667f3bcc909ULL;
  for (const auto part : parts) h = mix64(h ^ mix64(part + 0x9e3779b97f4a7c15ULL));
  return h;
}

// Uniform double in [0, 1) from 53 random bits.
constexpr double unit_from_bits(std::uint64_t bits) { return static_cast<double>(bits >> 11) * 0x1.0p-53; }

inline double uniform(std::mt19937_64& rng, double lo, double hi) { return lo + (hi - lo) * unit_from_bits(rng()); }

// splitmix64 as a stream: cheap to construct, so every image gets its own.
class CounterRandom {
 public:
  explicit CounterRandom(std::uint64_t key) : state_(key) {}

  std::uint64_t bits() {
    state_ += 0x9e3779b97f4a7c15ULL;
    return mix64(state_);
  }
  double uniform() { return unit_from_bits(bits()); }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  bool chance(double probability) { return uniform() < probability; }
  std::int64_t below(std::int64_t n) { return static_cast<std::int64_t>(uniform() * static_cast<double>(n)); }
  // Standard normal by Box–Muller (one of the pair: simpler than caching, and speed does not matter here).
  double normal() {
    const double u1 = 1.0 - uniform();  // (0, 1]: log stays finite
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }

 private:
  std::uint64_t state_;
};

}  // namespace marginlab::data
