// Loads the shared test vectors from protocol/vectors/ in the repository.
#pragma once
#include <fstream>
#include <sstream>
#include <string>

inline std::string read_vector_file(const char* name) {
  std::ifstream in(std::string(HEARTH_VECTORS_DIR) + "/" + name);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}
