// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// server/server.h: start-up and shutdown order of the whole process.
//
// Start: load the config (file, then command-line overrides), apply it (log level, working
// directory), write the pidfile, build the command table, create the shards and open their
// listeners, then start the shard threads. The main thread then only waits for SIGTERM or
// SIGINT (SHUTDOWN raises SIGTERM too); every thread blocks those signals so sigwait() on
// the main thread receives them. SIGPIPE is ignored: a write to a closed socket is an error
// return, not a crash.
// Stop: stop and join every shard (which closes its clients and listeners, and removes the
// unix socket), remove the pidfile, log the goodbye.
#pragma once

#include <string>
#include <vector>

namespace rill::server {

// Runs the server; returns the process exit code.
int Main(const std::vector<std::string>& args);

}  // namespace rill::server
