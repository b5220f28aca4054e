// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "stream/consumer_group.h"

#include "core/check.h"

namespace rill::stream {

ConsumerGroup::~ConsumerGroup() {
  if (frozen_ == nullptr) {
    return;
  }
  // Hand over only what the frozen group may still read.
  FrozenGroup& f = *frozen_;
  if (f.read_.has_value()) {
    pel_.erase(pel_.begin(), pel_.upper_bound(*f.read_));
  }
  pel_.erase(f.last_.has_value() ? pel_.upper_bound(*f.last_) : pel_.begin(), pel_.end());
  f.orphan_ = std::move(pel_);
  f.live_ = nullptr;
}

void ConsumerGroup::BeforeChange(StreamId id) {
  if (frozen_ == nullptr || !frozen_->Wants(id)) {
    return;
  }
  auto it = pel_.find(id);
  frozen_->saved_.emplace(
      id, it == pel_.end() ? std::nullopt : std::optional(frozen_->PendingOf(id, it->second)));
}

Consumer* ConsumerGroup::FindConsumer(std::string_view name) {
  auto it = consumers_.find(name);
  return it == consumers_.end() ? nullptr : it->second.get();
}

Consumer* ConsumerGroup::CreateConsumer(std::string_view name, int64_t now_ms) {
  auto [it, inserted] = consumers_.try_emplace(std::string(name));
  if (!inserted) {
    return nullptr;
  }
  it->second = std::make_unique<Consumer>();
  it->second->name = std::string(name);
  it->second->seen_time_ms = now_ms;
  return it->second.get();
}

Consumer* ConsumerGroup::FindOrCreateConsumer(std::string_view name, int64_t now_ms,
                                              bool* created) {
  Consumer* c = FindConsumer(name);
  if (created != nullptr) {
    *created = c == nullptr;
  }
  return c != nullptr ? c : CreateConsumer(name, now_ms);
}

int64_t ConsumerGroup::DeleteConsumer(std::string_view name) {
  auto it = consumers_.find(name);
  if (it == consumers_.end()) {
    return -1;
  }
  Consumer* c = it->second.get();
  const auto pending = static_cast<int64_t>(c->pending.size());
  for (const StreamId id : c->pending) {
    BeforeChange(id);
    pel_.erase(id);
  }
  consumers_.erase(it);
  return pending;
}

void ConsumerGroup::Deliver(StreamId id, Consumer* c, int64_t now_ms) {
  BeforeChange(id);
  auto [it, inserted] = pel_.try_emplace(id);
  PendingEntry& pe = it->second;
  if (!inserted && pe.consumer != c) {
    pe.consumer->pending.erase(id);
  }
  pe.consumer = c;
  pe.delivery_time_ms = now_ms;
  pe.delivery_count = 1;
  c->pending.insert(id);
}

void ConsumerGroup::Transfer(Pel::iterator it, Consumer* c) {
  if (it->second.consumer == c) {
    return;
  }
  BeforeChange(it->first);
  if (it->second.consumer != nullptr) {
    it->second.consumer->pending.erase(it->first);
  }
  it->second.consumer = c;
  c->pending.insert(it->first);
}

bool ConsumerGroup::Ack(StreamId id) {
  auto it = pel_.find(id);
  if (it == pel_.end()) {
    return false;
  }
  Erase(it);
  return true;
}

ConsumerGroup::Pel::iterator ConsumerGroup::InsertPending(StreamId id) {
  BeforeChange(id);
  return pel_.try_emplace(id).first;
}

PendingEntry& ConsumerGroup::Touch(Pel::iterator it) {
  BeforeChange(it->first);
  return it->second;
}

ConsumerGroup::Pel::iterator ConsumerGroup::Erase(Pel::iterator it) {
  BeforeChange(it->first);
  it->second.consumer->pending.erase(it->first);
  return pel_.erase(it);
}

std::unique_ptr<ConsumerGroup> ConsumerGroup::Clone() const {
  auto g = std::make_unique<ConsumerGroup>(last_id_, entries_read_);
  for (const auto& [name, c] : consumers_) {
    auto copy = std::make_unique<Consumer>(*c);
    g->consumers_.emplace(name, std::move(copy));
  }
  for (const auto& [id, pe] : pel_) {
    PendingEntry copy = pe;
    copy.consumer = g->consumers_.find(pe.consumer->name)->second.get();
    g->pel_.emplace(id, copy);
  }
  return g;
}

std::unique_ptr<FrozenGroup> ConsumerGroup::Freeze() {
  RILL_CHECK(frozen_ == nullptr);
  auto f = std::unique_ptr<FrozenGroup>(new FrozenGroup(this));
  frozen_ = f.get();
  return f;
}

size_t ConsumerGroup::MemoryUsage() const {
  size_t bytes = sizeof(*this) + pel_.size() * (sizeof(StreamId) + sizeof(PendingEntry));
  for (const auto& [name, c] : consumers_) {
    bytes += sizeof(Consumer) + name.capacity() * 2 + c->pending.size() * sizeof(StreamId);
  }
  return bytes;
}

// --- FrozenGroup ---

FrozenGroup::FrozenGroup(ConsumerGroup* live)
    : live_(live),
      last_id_(live->last_id_),
      entries_read_(live->entries_read_),
      pel_size_(live->pel_.size()) {
  if (!live->pel_.empty()) {
    last_ = live->pel_.rbegin()->first;
  }
  consumers_.reserve(live->consumers_.size());
  for (const auto& [name, c] : live->consumers_) {
    index_.emplace(c.get(), static_cast<uint32_t>(consumers_.size()));
    consumers_.push_back({name, c->seen_time_ms, c->active_time_ms});
  }
}

FrozenGroup::~FrozenGroup() {
  if (live_ != nullptr) {
    live_->frozen_ = nullptr;
  }
}

FrozenGroup::Pending FrozenGroup::PendingOf(StreamId id, const PendingEntry& pe) const {
  const auto it = index_.find(pe.consumer);
  RILL_DCHECK(it != index_.end());  // an entry unchanged since the freeze: a consumer of then
  return {id, it == index_.end() ? 0 : it->second, pe.delivery_time_ms, pe.delivery_count};
}

bool FrozenGroup::ReadPel(absl::FunctionRef<bool(const Pending&)> fn) {
  const bool own = live_ == nullptr;
  ConsumerGroup::Pel& pel = own ? orphan_ : live_->pel_;
  auto live = own || !read_.has_value() ? pel.begin() : pel.upper_bound(*read_);
  auto saved = saved_.begin();
  const auto next_live = [&] { live = own ? pel.erase(live) : std::next(live); };
  int skipped = 0;
  for (;;) {
    const bool has_live = live != pel.end() && last_.has_value() && live->first <= *last_;
    if (!has_live && saved == saved_.end()) {
      return true;
    }
    std::optional<Pending> p;
    if (saved != saved_.end() && (!has_live || saved->first <= live->first)) {
      if (has_live && live->first == saved->first) {
        next_live();  // changed since: the saved state is the one of then
      }
      read_ = saved->first;
      p = saved->second;
      saved = saved_.erase(saved);
    } else {
      read_ = live->first;
      p = PendingOf(live->first, live->second);
      next_live();
    }
    if (!p.has_value()) {
      if (++skipped == kMaxSkips) {
        return false;  // a bounded step: the caller checks its deadline
      }
      continue;
    }
    skipped = 0;
    if (!fn(*p)) {
      return false;
    }
  }
}

}  // namespace rill::stream
