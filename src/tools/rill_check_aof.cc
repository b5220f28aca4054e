// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// tools/rill_check_aof.cc: checks the append-only journal and repairs its tail.
//
//   rill-check-aof [--fix] <dir>/appendonlydir/appendonly.aof.manifest
//   rill-check-aof [--fix] <file>.aof
//   rill-check-aof <dir>/dump.rdb                  (a snapshot: BGSAVE's, or an AOF base)
//
// Every command of every increment is parsed, as the server would at start-up (nothing is
// applied); a base snapshot (or a snapshot file given alone) is decoded record by record
// and its checksum compared. A damaged snapshot cannot be repaired: it is reported. It reports, per
// file, where the valid part ends and what is wrong after it.
// --fix truncates the last increment after its last whole record (a command, or a whole
// MULTI/EXEC), which loses what follows: the tool says how many bytes. Damage in an
// earlier file cannot be repaired this way, because later files build on it.
// Exit status: 0 valid (or fixed), 1 damaged, 2 usage or I/O error.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "persist/aof_loader.h"
#include "persist/file.h"
#include "persist/manifest.h"
#include "persist/snapshot.h"

namespace {

using rill::persist::FileCheck;
using rill::persist::FileSystem;

int Usage() {
  fprintf(stderr, "Usage: rill-check-aof [--fix] <file.manifest|file.aof>\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  bool fix = false;
  std::string target;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--fix") == 0) {
      fix = true;
    } else if (target.empty()) {
      target = argv[i];
    } else {
      return Usage();
    }
  }
  if (target.empty()) {
    return Usage();
  }
  FileSystem* fs = FileSystem::Default();
  std::vector<std::string> files;
  if (target.ends_with(".manifest")) {
    rill::Result<std::string> text = fs->ReadSmallFile(target);
    if (!text.ok()) {
      fprintf(stderr, "Cannot read %s\n", text.status().message().c_str());
      return 2;
    }
    rill::Result<rill::persist::Manifest> m = rill::persist::Manifest::Parse(*text);
    if (!m.ok()) {
      fprintf(stderr, "%s: %s\n", target.c_str(), m.status().message().c_str());
      return 1;
    }
    const size_t slash = target.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : target.substr(0, slash);
    for (const rill::persist::AofFile& f : m->Files()) {
      files.push_back(dir + "/" + f.name);
    }
  } else {
    files.push_back(target);
  }
  for (size_t i = 0; i < files.size(); i++) {
    if (rill::persist::IsSnapshotFile(fs, files[i])) {
      const rill::Status s = rill::persist::LoadSnapshot(fs, files[i], nullptr);
      if (!s.ok()) {
        printf("%s\nA snapshot cannot be repaired: restore it from a backup.\n",
               s.message().c_str());
        return 1;
      }
      printf("Snapshot %s is valid\n", files[i].c_str());
      continue;
    }
    const FileCheck c = rill::persist::CheckAofFile(fs, files[i]);
    const bool damaged = !c.error.ok() || c.torn;
    printf("AOF analyzed: filename=%s, size=%llu, ok_up_to=%llu, diff=%llu\n", files[i].c_str(),
           static_cast<unsigned long long>(c.size), static_cast<unsigned long long>(c.valid_end),
           static_cast<unsigned long long>(c.size - c.valid_end));
    if (!damaged) {
      printf("AOF %s is valid\n", files[i].c_str());
      continue;
    }
    printf("%s\n", c.error.ok() ? ("AOF " + files[i] + " ends in the middle of a record").c_str()
                                : c.error.message().c_str());
    if (i + 1 != files.size()) {
      printf("This file is not the last one: it cannot be repaired by truncation.\n");
      return 1;
    }
    if (!fix) {
      printf("Run with --fix to truncate it at offset %llu (losing %llu bytes).\n",
             static_cast<unsigned long long>(c.valid_end),
             static_cast<unsigned long long>(c.size - c.valid_end));
      return 1;
    }
    if (rill::Status s = fs->Truncate(files[i], c.valid_end); !s.ok()) {
      fprintf(stderr, "%s\n", s.message().c_str());
      return 2;
    }
    printf("Successfully truncated AOF %s at offset %llu (%llu bytes removed)\n", files[i].c_str(),
           static_cast<unsigned long long>(c.valid_end),
           static_cast<unsigned long long>(c.size - c.valid_end));
  }
  return 0;
}
