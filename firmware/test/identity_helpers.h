// What the identity-storage tests share: a first boot and a look at each stored copy.
#pragma once
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "fakes.h"

namespace hearth::testing {

// A thermostat that booted once (fresh device); returns its ID.
inline std::string first_boot(Bench& bench) {
  REQUIRE(bench.boot() == Error::none);
  REQUIRE(bench.core->identity_ready());
  return bench.id();
}

inline std::vector<uint8_t>& copy(Bench& bench, Blob blob) { return bench.storage.blobs[blob]; }

}  // namespace hearth::testing
