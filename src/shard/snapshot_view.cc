// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "shard/snapshot_view.h"

#include "core/clock.h"

namespace rill::shard {

SnapshotView::SnapshotView(Keyspace& ks) : ks_(ks) {
  for (int i = 0; i < ks.databases(); i++) {
    Database* db = &ks.db(i);
    auto f = std::make_unique<FrozenDb>();
    f->db = i;
    f->end = db->high_water_;
    f->kept_bytes = &kept_bytes_;
    db->Freeze(f.get());
    dbs_.emplace_back(db, std::move(f));
  }
  ks_.set_frozen(true);
  ks_.set_snapshot_bytes(&kept_bytes_);
}

SnapshotView::~SnapshotView() {
  for (auto& [db, f] : dbs_) {
    db->Freeze(nullptr);
  }
  ks_.set_frozen(false);
  ks_.set_snapshot_bytes(nullptr);
}

bool SnapshotView::Next(int64_t deadline_us, const std::function<bool(const Item&)>& fn,
                        size_t max_slots) {
  size_t n = 0;
  for (; current_ < dbs_.size(); current_++) {
    Database& db = *dbs_[current_].first;
    FrozenDb& f = *dbs_[current_].second;
    for (; f.cursor < f.end; n++) {
      if (n == max_slots || ((n & 63) == 63 && MonotonicUs() >= deadline_us)) {
        return false;
      }
      const uint32_t s = f.cursor;
      bool go_on = true;
      if (auto it = f.kept.find(s); it != f.kept.end()) {
        go_on = fn(Item{f.db, it->second.key, it->second.value, it->second.expire_at_ms,
                        std::move(it->second.stream)});
        kept_bytes_ -= it->second.bytes;
        f.kept.erase(it);
      } else if (!f.born.contains(s) && s < db.high_water_ && db.slot(s).live) {
        const Entry& e = db.slot(s);
        go_on = fn(Item{f.db, e.key, e.value, e.expire_at_ms, nullptr});
      }
      f.born.erase(s);
      f.cursor = s + 1;
      if (!go_on) {
        return false;
      }
    }
  }
  return true;
}

uint64_t SnapshotView::kept() const {
  uint64_t n = 0;
  for (const auto& [db, f] : dbs_) {
    n += f->kept_total;
  }
  return n;
}

}  // namespace rill::shard
