// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// server/main.cc: the rill-server entry point.
#include <string>
#include <vector>

#include "server/server.h"

int main(int argc, char** argv) {
  return rill::server::Main(std::vector<std::string>(argv, argv + argc));
}
