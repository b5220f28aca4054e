// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "stream/consumer_group.h"

namespace rill::stream {

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
    pel_.erase(id);
  }
  consumers_.erase(it);
  return pending;
}

void ConsumerGroup::Deliver(StreamId id, Consumer* c, int64_t now_ms) {
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

ConsumerGroup::Pel::iterator ConsumerGroup::Erase(Pel::iterator it) {
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

size_t ConsumerGroup::MemoryUsage() const {
  size_t bytes = sizeof(*this) + pel_.size() * (sizeof(StreamId) + sizeof(PendingEntry));
  for (const auto& [name, c] : consumers_) {
    bytes += sizeof(Consumer) + name.capacity() * 2 + c->pending.size() * sizeof(StreamId);
  }
  return bytes;
}

}  // namespace rill::stream
