// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// tests/fuzz/fuzz_check.h: the assertion the fuzz targets use for their invariants.
//
// RILL_FUZZ_CHECK(cond) prints the failed condition and aborts. libFuzzer treats the abort
// as a crash and writes the input to crash-<sha1>, the reproducer to attach to the bug.
// It stays on in every build type (fuzz builds are Debug, but a Release fuzz build must not
// lose its oracle), which is why this is not RILL_DCHECK; and it is not RILL_CHECK because
// fuzz targets should not depend on the server's logging to report.
#pragma once

#include <cstdio>
#include <cstdlib>

#define RILL_FUZZ_CHECK(cond)                                                           \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      abort();                                                                          \
    }                                                                                   \
  } while (0)
