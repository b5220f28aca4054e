// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "stream/stream.h"

#include "core/check.h"

namespace rill::stream {

Stream::~Stream() {
  if (frozen_ == nullptr) {
    return;
  }
  // The frozen stream needs the nodes it has not read and that are older than it: drop
  // the others here, and hand over the rest without copying.
  FrozenStream& f = *frozen_;
  index_.erase(index_.upper_bound(f.last_id_), index_.end());
  if (f.read_.has_value()) {
    index_.erase(index_.begin(), index_.upper_bound(*f.read_));
  }
  for (const auto& [id, node] : f.saved_) {
    index_.erase(id);  // changed since: the frozen stream reads its saved node
  }
  for (const auto& [id, node] : index_) {
    f.Hold(node);
  }
  f.orphan_ = std::move(index_);
  f.live_ = nullptr;
}

void Stream::HandOverAll() {
  FrozenStream& f = *frozen_;
  auto it = f.read_.has_value() ? index_.upper_bound(*f.read_) : index_.begin();
  for (; it != index_.end() && it->first <= f.last_id_; ++it) {
    if (f.Wants(it->first)) {
      f.saved_.emplace(it->first, it->second.Clone());  // shared: nothing to count yet
    }
  }
  f.live_ = nullptr;
  frozen_ = nullptr;
}

void Stream::SetLastId(StreamId id) {
  if (frozen_ != nullptr && id < last_id_) {
    // New nodes could now start at or below the frozen last id, where it looks for old ones.
    HandOverAll();
  }
  last_id_ = id;
}

std::unique_ptr<Stream> Stream::Clone() const {
  auto s = std::make_unique<Stream>();
  // Cloning a node touches its block (the reference count): fetch the blocks a few nodes
  // ahead, so those cache misses overlap instead of adding up.
  constexpr int kAhead = 8;
  auto ahead = index_.begin();
  for (int i = 0; i < kAhead && ahead != index_.end(); i++, ++ahead) {
    ahead->second.Prefetch();
  }
  for (const auto& [id, node] : index_) {
    if (ahead != index_.end()) {
      ahead->second.Prefetch();
      ++ahead;
    }
    s->index_.emplace_hint(s->index_.end(), id, node.Clone());  // in order: appends
  }
  s->length_ = length_;
  s->last_id_ = last_id_;
  s->first_id_ = first_id_;
  s->max_deleted_id_ = max_deleted_id_;
  s->entries_added_ = entries_added_;
  for (const auto& [name, g] : groups_) {
    s->groups_.emplace(name, g->Clone());
  }
  return s;
}

std::unique_ptr<FrozenStream> Stream::Freeze() {
  RILL_CHECK(frozen_ == nullptr);
  auto f = std::unique_ptr<FrozenStream>(new FrozenStream(this));
  frozen_ = f.get();
  return f;
}

void Stream::BeforeChange(const Node& n) {
  if (frozen_ != nullptr && frozen_->Wants(n.master_id())) {
    // The live node copies its block at its next change: the old one is the frozen's.
    frozen_->Hold(n);
    frozen_->saved_.emplace(n.master_id(), n.Clone());
  }
}

void Stream::BeforeRemove(Node& n) {
  if (frozen_ != nullptr && frozen_->Wants(n.master_id())) {
    frozen_->Hold(n);
    frozen_->saved_.emplace(n.master_id(), std::move(n));
  }
}

// --- FrozenStream ---

FrozenStream::FrozenStream(Stream* live)
    : live_(live),
      last_id_(live->last_id_),
      max_deleted_id_(live->max_deleted_id_),
      entries_added_(live->entries_added_) {
  for (const auto& [name, g] : live->groups_) {
    groups_.emplace_back(name, g->Freeze());
  }
}

FrozenStream::~FrozenStream() {
  if (live_ != nullptr) {
    live_->frozen_ = nullptr;
  }
  if (account_ != nullptr) {
    *account_ -= held_;
  }
}

void FrozenStream::set_account(uint64_t* account) {
  account_ = account;
  *account_ += held_;
}

void FrozenStream::Hold(const Node& n) {
  held_ += n.allocated();
  if (account_ != nullptr) {
    *account_ += n.allocated();
  }
}

void FrozenStream::Release(const Node& n) {
  held_ -= n.allocated();
  if (account_ != nullptr) {
    *account_ -= n.allocated();
  }
}

bool FrozenStream::Read(absl::FunctionRef<bool(const Node&)> fn) {
  // Nodes read from saved_ and orphan_ are let go as they are read, so what is left there
  // is all unread; the live index is read from after read_.
  const bool own = live_ == nullptr;
  Stream::Index& index = own ? orphan_ : live_->index_;
  auto live = own || !read_.has_value() ? index.begin() : index.upper_bound(*read_);
  auto saved = saved_.begin();
  const auto next_live = [&] {
    if (own) {
      Release(live->second);
      live = index.erase(live);
    } else {
      ++live;
    }
  };
  for (;;) {
    const bool has_live = live != index.end() && live->first <= last_id_;
    if (!has_live && saved == saved_.end()) {
      return true;
    }
    bool go_on;
    if (saved != saved_.end() && (!has_live || saved->first <= live->first)) {
      if (has_live && live->first == saved->first) {
        next_live();  // changed since: the saved node is the one as it was
      }
      read_ = saved->first;
      go_on = fn(saved->second);
      Release(saved->second);
      saved = saved_.erase(saved);
    } else {
      read_ = live->first;
      go_on = fn(live->second);
      next_live();
    }
    if (!go_on) {
      return false;
    }
  }
}

size_t Stream::index_tree_nodes() const {
  // absl's B-tree packs about 256 bytes of slots per node; count leaves and the levels above.
  constexpr size_t kSlots = std::max<size_t>(3, 256 / sizeof(Index::value_type));
  size_t level = (index_.size() + kSlots - 1) / kSlots;
  size_t nodes = level;
  while (level > 1) {
    level = (level + kSlots) / (kSlots + 1);
    nodes += level;
  }
  return std::max<size_t>(nodes, 1);
}

Result<StreamId> Stream::NextId(const AddIdSpec& spec, int64_t now_ms) const {
  static constexpr std::string_view kNotAbove =
      "ERR The ID specified in XADD is equal or smaller than the target stream top item";
  if (last_id_.IsMax()) {
    return Status(ErrorCode::kErr,
                  "ERR The stream has exhausted the last possible ID, unable to add more items");
  }
  StreamId id;
  switch (spec.kind) {
    case AddIdSpec::Kind::kAuto: {
      // Never below the last id, so ids keep growing when the clock steps back.
      const auto now = static_cast<uint64_t>(now_ms < 0 ? 0 : now_ms);
      if (now > last_id_.ms) {
        return StreamId{now, 0};
      }
      return *last_id_.Next();
    }
    case AddIdSpec::Kind::kAutoSeq:
      if (spec.id.ms == last_id_.ms) {
        if (last_id_.seq == UINT64_MAX) {
          return Status(ErrorCode::kErr, std::string(kNotAbove));
        }
        id = {spec.id.ms, last_id_.seq + 1};
      } else {
        id = {spec.id.ms, 0};
      }
      break;
    case AddIdSpec::Kind::kExplicit:
      if (spec.id.IsZero()) {
        return Status(ErrorCode::kErr, "ERR The ID specified in XADD must be greater than 0-0");
      }
      id = spec.id;
      break;
  }
  if (id <= last_id_) {
    return Status(ErrorCode::kErr, std::string(kNotAbove));
  }
  return id;
}

void Stream::Append(StreamId id, std::span<const std::string_view> fv, const NodeLimits& limits) {
  RILL_DCHECK(id > last_id_ || (length_ == 0 && entries_added_ == 0 && index_.empty()));
  Node* tail = index_.empty() ? nullptr : &index_.rbegin()->second;
  if (tail != nullptr) {
    const bool full =
        (limits.max_entries > 0 && tail->entries() >= static_cast<uint64_t>(limits.max_entries)) ||
        (limits.max_bytes > 0 &&
         tail->size() + tail->EncodedSize(id, fv) > static_cast<uint64_t>(limits.max_bytes));
    if (full) {
      tail->ShrinkToFit();  // same bytes: nothing for a FrozenStream to keep
      tail = nullptr;
    } else {
      BeforeChange(*tail);
    }
  }
  if (tail == nullptr) {
    tail = &index_.emplace(id, Node(id, fv)).first->second;
  }
  tail->Append(id, fv);
  if (length_ == 0) {
    first_id_ = id;
  }
  length_++;
  entries_added_++;
  last_id_ = id;
}

Stream::Index::iterator Stream::NodeFor(StreamId id) {
  auto it = index_.upper_bound(id);
  if (it == index_.begin()) {
    return index_.end();
  }
  --it;
  return id <= it->second.last_id() ? it : index_.end();
}

bool Stream::Delete(StreamId id) {
  auto it = NodeFor(id);
  if (it == index_.end()) {
    return false;
  }
  Node& node = it->second;
  Node::Cursor c(node);
  Node::Entry e;
  while (c.Next(&e) && e.id < id) {
  }
  if (e.id != id || e.deleted) {
    return false;
  }
  BeforeChange(node);
  if (!node.MarkDeleted(e.offset)) {
    return false;
  }
  length_--;
  if (node.live() == 0) {
    index_.erase(it);
  }
  if (id > max_deleted_id_) {
    max_deleted_id_ = id;
  }
  if (id == first_id_) {
    RefreshFirstId();
  }
  return true;
}

uint64_t Stream::Trim(const TrimSpec& spec) {
  if (spec.strategy == TrimSpec::Strategy::kNone) {
    return 0;
  }
  const bool by_len = spec.strategy == TrimSpec::Strategy::kMaxLen;
  uint64_t deleted = 0;
  auto it = index_.begin();
  while (it != index_.end()) {
    if (by_len && length_ <= spec.maxlen) {
      break;
    }
    Node& node = it->second;
    const uint64_t live = node.live();
    if (spec.limit > 0 && deleted + live > static_cast<uint64_t>(spec.limit)) {
      break;
    }
    const bool whole = by_len ? length_ - live >= spec.maxlen : node.last_id() < spec.minid;
    if (whole) {
      length_ -= live;
      deleted += live;
      BeforeRemove(node);
      it = index_.erase(it);
      continue;
    }
    if (spec.approx) {
      break;
    }
    // Exact trimming: tombstones inside the first node that stays.
    BeforeChange(node);
    Node::Cursor c(node);
    Node::Entry e;
    while (c.Next(&e)) {
      if (by_len ? length_ <= spec.maxlen : e.id >= spec.minid) {
        break;
      }
      if (!e.deleted && node.MarkDeleted(e.offset)) {
        length_--;
        deleted++;
      }
    }
    if (node.live() == 0) {
      index_.erase(it);  // every entry is a tombstone now (the rest were XDELed)
    }
    break;
  }
  RefreshFirstId();
  return deleted;
}

Status Stream::LoadNode(Node node) {
  if (!index_.empty() && node.master_id() <= index_.rbegin()->second.last_id()) {
    return Status(ErrorCode::kErr, "stream node out of order");
  }
  if (node.live() == 0) {
    return Status::Ok();  // nothing to keep (versions before the Trim fix wrote such nodes)
  }
  length_ += node.live();
  last_id_ = std::max(last_id_, node.last_id());
  const bool first = index_.empty();
  index_.emplace(node.master_id(), std::move(node));
  if (first) {
    RefreshFirstId();
  }
  return Status::Ok();
}

void Stream::RefreshFirstId() {
  first_id_ = StreamId::Min();
  if (length_ == 0 || index_.empty()) {
    return;
  }
  Node::Cursor c(index_.begin()->second);
  Node::Entry e;
  while (c.Next(&e)) {
    if (!e.deleted) {
      first_id_ = e.id;
      return;
    }
  }
}

bool Stream::Lookup(StreamId id, std::vector<std::string_view>* fv) const {
  auto it = index_.upper_bound(id);
  if (it == index_.begin()) {
    return false;
  }
  --it;
  if (id > it->second.last_id()) {
    return false;
  }
  Node::Cursor c(it->second);
  Node::Entry e;
  while (c.Next(&e)) {
    if (e.id >= id) {
      if (e.id != id || e.deleted) {
        return false;
      }
      if (fv != nullptr) {
        *fv = std::move(e.fv);
      }
      return true;
    }
  }
  return false;
}

// --- Consumer groups ---

ConsumerGroup* Stream::FindGroup(std::string_view name) {
  auto it = groups_.find(name);
  return it == groups_.end() ? nullptr : it->second.get();
}

ConsumerGroup* Stream::CreateGroup(std::string_view name, StreamId last_id, int64_t entries_read) {
  auto [it, inserted] = groups_.try_emplace(std::string(name));
  if (!inserted) {
    return nullptr;
  }
  it->second = std::make_unique<ConsumerGroup>(last_id, entries_read);
  return it->second.get();
}

bool Stream::DestroyGroup(std::string_view name) {
  auto it = groups_.find(name);
  if (it == groups_.end()) {
    return false;
  }
  groups_.erase(it);
  return true;
}

int64_t Stream::EstimateEntriesRead(StreamId id) const {
  const auto added = static_cast<int64_t>(entries_added_);
  if (entries_added_ == 0) {
    return 0;  // the counter of any id in a never-used stream
  }
  if (length_ == 0 && id <= last_id_) {
    return added;
  }
  if (id == last_id_) {
    return added;
  }
  if (id > last_id_) {
    return kInvalidEntriesRead;  // a future id
  }
  if (max_deleted_id_.IsZero() || max_deleted_id_ < first_id_) {
    // No tombstone ahead of the first entry: the counter follows from the length.
    if (id < first_id_) {
      return added - static_cast<int64_t>(length_);
    }
    if (id == first_id_) {
      return added - static_cast<int64_t>(length_) + 1;
    }
  }
  return kInvalidEntriesRead;
}

bool Stream::RangeHasTombstones(StreamId start) const {
  if (length_ == 0 || max_deleted_id_.IsZero() || first_id_ > max_deleted_id_) {
    return false;
  }
  return start <= max_deleted_id_;
}

std::optional<int64_t> Stream::Lag(const ConsumerGroup& g) const {
  if (entries_added_ == 0) {
    return 0;
  }
  const auto added = static_cast<int64_t>(entries_added_);
  if (g.entries_read() != kInvalidEntriesRead && !RangeHasTombstones(g.last_id())) {
    return added - g.entries_read();
  }
  const int64_t read = EstimateEntriesRead(g.last_id());
  if (read == kInvalidEntriesRead) {
    return std::nullopt;
  }
  return added - read;
}

void Stream::MarkRead(ConsumerGroup& g, StreamId id) const {
  if (id <= g.last_id()) {
    return;
  }
  if (g.entries_read() != kInvalidEntriesRead && !RangeHasTombstones(id)) {
    g.set_entries_read(g.entries_read() + 1);
  } else if (entries_added_ > 0) {
    g.set_entries_read(EstimateEntriesRead(id));
  }
  g.set_last_id(id);
}

size_t Stream::MemoryUsage() const {
  size_t bytes = sizeof(*this) + index_tree_nodes() * 256;
  for (const auto& [id, node] : index_) {
    bytes += node.allocated();
  }
  for (const auto& [name, g] : groups_) {
    bytes += name.capacity() + g->MemoryUsage();
  }
  return bytes;
}

// --- Iterator ---

Stream::Iterator::Iterator(const Stream& s, StreamId start, StreamId end, bool reverse)
    : s_(s), start_(start), end_(end), reverse_(reverse) {
  if (start > end || s.index_.empty()) {
    done_ = true;
    return;
  }
  // The node that may hold the first id to visit: the last one whose master id is <= it.
  node_ = s.index_.upper_bound(reverse ? end : start);
  if (node_ == s.index_.begin()) {
    if (reverse) {
      done_ = true;
      return;
    }
  } else {
    --node_;
  }
  done_ = !LoadNode();
}

bool Stream::Iterator::LoadNode() {
  if (!reverse_) {
    cursor_.emplace(node_->second);
    return true;
  }
  Node::Cursor c(node_->second);
  size_t n = 0;
  for (;;) {
    if (buffered_.size() <= n) {
      buffered_.emplace_back();
    }
    if (!c.Next(&buffered_[n])) {
      break;
    }
    n++;
  }
  pos_ = n;
  return true;
}

bool Stream::Iterator::Next() {
  while (!done_) {
    if (!reverse_) {
      if (cursor_->Next(&entry_)) {
        if (entry_.id > end_) {
          done_ = true;
          return false;
        }
        if (!entry_.deleted && entry_.id >= start_) {
          return true;
        }
        continue;
      }
      if (++node_ == s_.index_.end()) {
        done_ = true;
        return false;
      }
      LoadNode();
      continue;
    }
    if (pos_ > 0) {
      Node::Entry& e = buffered_[--pos_];
      if (e.id < start_) {
        done_ = true;
        return false;
      }
      if (!e.deleted && e.id <= end_) {
        std::swap(entry_, e);
        return true;
      }
      continue;
    }
    if (node_ == s_.index_.begin()) {
      done_ = true;
      return false;
    }
    --node_;
    LoadNode();
  }
  return false;
}

}  // namespace rill::stream
