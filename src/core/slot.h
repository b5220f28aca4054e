// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// core/slot.h: a key's hash slot, as Redis Cluster computes it.
//
// slot = CRC16(key) mod 16384, where CRC16 is the XMODEM variant (polynomial 0x1021, initial
// value 0). When the key holds a hash tag, a "{...}" whose first "{" is followed by a
// non-empty run up to the next "}", only that run is hashed, so "{user1}.a" and
// "{user1}.b" share a slot: that is how a client keeps the keys of one transaction
// together. The shards of one process split the slots between them (shard/shard_set.h),
// and a cluster will split them between nodes the same way.
// Threading: pure functions.
#pragma once

#include <cstdint>
#include <string_view>

namespace rill {

inline constexpr int kSlotCount = 16384;

uint16_t Crc16(std::string_view data);
// The part of key that is hashed: the hash tag if there is one, else the whole key.
std::string_view HashedPart(std::string_view key);
inline int KeySlot(std::string_view key) { return Crc16(HashedPart(key)) & (kSlotCount - 1); }

}  // namespace rill
