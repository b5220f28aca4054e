// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// shard/pubsub.h: channel and pattern subscriptions of one shard's clients.
//
// PUBLISH looks a channel up in a hash map (O(subscribers)) and matches every pattern
// (O(patterns)), as Redis does. Messages are appended to each receiver's output buffer in
// the receiver's protocol (RESP3 push or RESP2 array); the caller then enforces the pubsub
// output limit and schedules the writes.
// Subscriptions live on the subscriber's shard; PUBLISH and PUBSUB run with the other
// shards parked and visit every shard's PubSub (cmd/pubsub_family.cc).
// Threading: one per shard, used on its thread. Holds Client pointers that the shard
// removes (UnsubscribeAll) before it destroys a client.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/hash.h"
#include "shard/client.h"

namespace rill::shard {

class PubSub {
 public:
  // Returns true when the client was not subscribed yet.
  bool Subscribe(Client* c, std::string_view channel);
  bool Unsubscribe(Client* c, std::string_view channel);
  bool PSubscribe(Client* c, std::string_view pattern);
  bool PUnsubscribe(Client* c, std::string_view pattern);
  void UnsubscribeAll(Client* c);

  // Appends the message to every receiver; returns them (for limits and flushing).
  std::vector<Client*> Publish(std::string_view channel, std::string_view message);

  std::vector<std::string> Channels(std::string_view pattern) const;  // "" = all
  size_t NumSub(std::string_view channel) const;
  std::vector<std::string> Patterns() const;

 private:
  StringMap<std::vector<Client*>> channels_;
  StringMap<std::vector<Client*>> patterns_;
};

}  // namespace rill::shard
