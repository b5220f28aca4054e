// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// shard/keyspace.h: the keys of one shard: numbered databases, values, expiry, eviction.
//
// A Database keeps its entries in stable slots (chunks of 1024 Entry, never moved) and an
// index from key to slot number:
//
//   index (flat_hash_set<slot no>, looked up by key) ──► slots: [chunk 0][chunk 1]...
//   volatile_: slot numbers of entries with a TTL, each entry knowing its position there
//
// Why slots: SCAN's cursor is a slot number, so a key present for the whole scan is always
// returned, however the index rehashes (Redis gets the same guarantee from its reverse-
// binary cursor); RANDOMKEY, active expiry and eviction sample a random slot in O(1); and
// an entry's address never changes, so commands may hold an Entry* until they return.
// A freed slot goes on a free list and is reused by the next insert.
//
// Expiry is lazy (a lookup of an expired key deletes it) and active (Shard's cron calls
// ActiveExpireCycle, which samples volatile keys the way Redis does, with a time budget).
//
// WATCH lives here too: a client registers a flag per watched key, and every change to a
// key (through this class, or MarkModified() after an in-place change) sets the flags of
// that key's watchers. With no watchers the check is one empty-map test.
//
// Threading: owned by one shard; only its thread touches it. Time comes from the injected
// Clock, so tests can expire keys without sleeping.
#pragma once

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/clock.h"
#include "core/hash.h"
#include "shard/journal.h"
#include "stream/stream.h"

namespace rill::shard {

enum class ValueType : uint8_t { kString, kStream };

// A WATCHing client's "a watched key changed" flag.
using WatchFlag = std::shared_ptr<std::atomic<bool>>;

// Redis's OBJECT ENCODING names for strings.
enum class StringEncoding : uint8_t { kInt, kEmbStr, kRaw };

struct Value {
  ValueType type = ValueType::kString;
  StringEncoding encoding = StringEncoding::kRaw;  // strings only
  std::string str;                                 // kString
  std::unique_ptr<stream::Stream> stream;          // kStream

  // A string value with the encoding Redis would give it when set whole.
  static Value String(std::string s);
  static Value NewStream();
  // A deep copy (COPY).
  Value Clone() const;
  bool is_stream() const { return type == ValueType::kStream; }
};

// OBJECT ENCODING's name for v: int, embstr, raw or stream.
std::string_view EncodingName(const Value& v);

// Replaces dst with src and frees dst's old memory. Use this, not `dst = std::move(src)`:
// libstdc++ keeps a string's heap buffer when a short string is move-assigned into it, so
// overwriting an 8 MB value with "x" would otherwise keep the 8 MB.
void ReplaceValue(Value& dst, Value&& src);

constexpr int64_t kNoExpire = -1;
constexpr uint32_t kNoPos = UINT32_MAX;

struct Entry {
  std::string key;
  Value value;
  int64_t expire_at_ms = kNoExpire;  // absolute Unix time in ms; kNoExpire = persistent
  uint32_t volatile_pos = kNoPos;    // index in Database::volatile_, kNoPos if persistent
  uint32_t access = 0;  // LRU: clock seconds of last access; LFU: minutes << 8 | counter
  uint32_t slot = 0;    // this entry's slot number in its Database
  bool live = false;    // false = a free slot
};

// A value as it was when a SnapshotView began, kept because it changed or went since.
// A stream about to change in place is kept frozen (`stream`, and `value` is empty): that
// costs its groups, not its nodes.
struct FrozenEntry {
  std::string key;
  Value value;
  std::unique_ptr<stream::FrozenStream> stream;
  int64_t expire_at_ms = kNoExpire;
  uint64_t bytes = 0;  // what keeping it costs (counted in FrozenDb::kept_bytes)
};

// What a SnapshotView (shard/snapshot_view.h) keeps in each Database it reads. Slots below
// cursor were read; an unread slot is read from `kept` if it is there, skipped if it is in
// `born`, and read live otherwise.
struct FrozenDb {
  int db = 0;           // the database's number when the view began (SWAPDB moves it)
  uint32_t cursor = 0;  // slots below it were read
  uint32_t end = 0;     // slots from here on were never used when the view began
  absl::flat_hash_map<uint32_t, FrozenEntry> kept;  // unread slots, as they were
  absl::flat_hash_set<uint32_t> born;               // unread slots filled since
  uint64_t kept_total = 0;                          // entries ever kept (INFO, tests)
  uint64_t* kept_bytes = nullptr;  // the view's running total of FrozenEntry::bytes
};

class Database {
 public:
  Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  size_t size() const { return index_.size(); }
  size_t expires_size() const { return volatile_.size(); }

  // The entry for key, expired or not; nullptr if absent.
  Entry* Find(std::string_view key);
  // REQUIRES: key absent. The new entry has no TTL.
  Entry* Insert(std::string_view key, Value value);
  void Erase(Entry* e);
  void SetExpire(Entry* e, int64_t at_ms);
  void ClearExpire(Entry* e);
  void Clear();

  // A random live entry (or volatile entry); nullptr when there is none.
  Entry* RandomEntry(std::mt19937_64& rng);
  Entry* RandomVolatile(std::mt19937_64& rng);

  // Calls fn for live entries in slots [cursor, ...) until about `count` slots were
  // visited. Returns the next cursor, 0 when the walk is complete.
  uint64_t Scan(uint64_t cursor, size_t count, const std::function<void(Entry&)>& fn);

  size_t MemoryUsage() const;

  // Snapshots: while a FrozenDb is set, an entry the view has not read yet is kept as it
  // was before it changes: Keep() copies it, or freezes it if it is a stream (call it
  // before changing an entry in place), Erase and Clear move it; Insert marks the slots it
  // fills as born after the view.
  void Freeze(FrozenDb* f) { frozen_ = f; }
  FrozenDb* frozen() const { return frozen_; }
  void Keep(Entry* e);

 private:
  friend class SnapshotView;
  static constexpr uint32_t kChunkBits = 10;
  static constexpr uint32_t kChunkSize = 1u << kChunkBits;

  struct IndexHash {
    using is_transparent = void;
    const Database* db;
    size_t operator()(uint32_t slot) const;
    size_t operator()(std::string_view key) const;
  };
  struct IndexEq {
    using is_transparent = void;
    const Database* db;
    bool operator()(uint32_t a, uint32_t b) const { return a == b; }
    bool operator()(uint32_t a, std::string_view b) const;
    bool operator()(std::string_view a, uint32_t b) const { return (*this)(b, a); }
  };

  Entry& slot(uint32_t i) { return chunks_[i >> kChunkBits][i & (kChunkSize - 1)]; }
  const Entry& slot(uint32_t i) const { return chunks_[i >> kChunkBits][i & (kChunkSize - 1)]; }

  std::vector<std::unique_ptr<Entry[]>> chunks_;
  uint32_t high_water_ = 0;         // slots ever used; cursors and sampling stay below it
  std::vector<uint32_t> free_;      // reusable slots, most recently freed last
  std::vector<uint32_t> volatile_;  // slots of entries with a TTL
  absl::flat_hash_set<uint32_t, IndexHash, IndexEq> index_;
  FrozenDb* frozen_ = nullptr;  // the view reading this database, if any
  // Keeps kept for slot and counts its bytes (those of its value unless it is a frozen
  // stream, which sets them).
  void KeepAside(uint32_t slot, FrozenEntry kept);
  // Whether the frozen view still has to read e (it is neither read, kept nor born).
  bool Unread(const Entry& e) const {
    return frozen_ != nullptr && e.slot >= frozen_->cursor && e.slot < frozen_->end &&
           !frozen_->kept.contains(e.slot) && !frozen_->born.contains(e.slot);
  }
};

// What one shard stores: `databases` Databases plus the policies that act on them.
class Keyspace {
 public:
  struct Stats {
    uint64_t expired_keys = 0;
    uint64_t evicted_keys = 0;
    uint64_t keyspace_hits = 0;
    uint64_t keyspace_misses = 0;
    uint64_t expire_cycle_runs = 0;
  };

  Keyspace(int databases, const Clock* clock);

  int databases() const { return static_cast<int>(dbs_.size()); }
  Database& db(int i) { return *dbs_[i]; }
  const Clock& clock() const { return *clock_; }
  Stats& stats() { return stats_; }
  // Keys deleted by expiry or eviction are journalled as DEL here. REQUIRES: journal
  // outlives the keyspace.
  void set_journal(Journal* journal) { journal_ = journal; }
  // While loading the journal, nothing expires: replayed commands must meet the state they
  // met when they ran, and the journal itself holds the DELs of what expired then.
  void set_loading(bool on) { loading_ = on; }
  bool loading() const { return loading_; }
  // Called when the eviction policy or LFU settings change.
  void set_policy(const config::Config& cfg);

  // A live (unexpired) entry, or nullptr. Deletes an expired one on the way. FindRead
  // counts a hit or miss and updates the key's LRU/LFU data; FindWrite does neither.
  Entry* FindRead(int db, std::string_view key);
  Entry* FindWrite(int db, std::string_view key);
  // Looks up without touching access data or statistics (OBJECT, TYPE-like probes).
  Entry* Peek(int db, std::string_view key);

  // Sets key to value, replacing any old value. Removes the TTL unless keep_ttl.
  Entry* Set(int db, std::string_view key, Value value, bool keep_ttl = false);
  // REQUIRES: key absent.
  Entry* Add(int db, std::string_view key, Value value);
  bool Delete(int db, std::string_view key);
  void DeleteEntry(int db, Entry* e);
  void SetExpire(int db, Entry* e, int64_t at_ms);
  bool Persist(int db, Entry* e);
  // A write command is about to change key, in whatever database: a snapshot being read
  // keeps the values it has not read yet (Database::Keep). Cheap when none is.
  void BeforeWrite(std::string_view key) {
    if (frozen_views_ > 0) {
      KeepAll(key);
    }
  }
  void set_frozen(bool on) { frozen_views_ += on ? 1 : -1; }
  bool frozen() const { return frozen_views_ > 0; }
  // Memory a snapshot holds in values kept aside: not the dataset's, so eviction and the
  // maxmemory check leave it out (as Redis leaves a fork's copy-on-write pages out);
  // otherwise evicting an unread key, which only moves its value aside, would go on
  // evicting. REQUIRES: bytes outlives the view (the SnapshotView owns it).
  void set_snapshot_bytes(const uint64_t* bytes) { snapshot_bytes_ = bytes; }
  uint64_t snapshot_bytes() const { return snapshot_bytes_ != nullptr ? *snapshot_bytes_ : 0; }

  // Tells WATCH that a value was changed in place.
  void MarkModified(int db, std::string_view key);
  // Removes every key of one database or of all; watchers of existing keys are told.
  void FlushDb(int db);
  void FlushAll();
  // Swaps two databases; watchers of keys existing in either are told.
  void SwapDb(int a, int b);

  // Blocked readers (XREAD BLOCK...): the shard registers each key a client waits on;
  // any change to such a key (write, delete, type change, flush, swap) queues it as
  // ready, once until taken. With no blocked client the check is one empty-map test.
  void AddBlockingKey(int db, std::string_view key);
  void RemoveBlockingKey(int db, std::string_view key);
  bool has_ready_keys() const { return !ready_.empty(); }
  // Wakes the key's blocked readers without telling WATCH (XGROUP DESTROY).
  void SignalKeyReady(int db, std::string_view key) {
    if (!blocking_[db].empty()) {
      SignalReady(db, key);
    }
  }
  std::vector<std::pair<int, std::string>> TakeReadyKeys();

  // WATCH: *flag becomes true when key changes. The flag is shared because its client may
  // live on another shard (Client::watch_flag).
  void Watch(int db, std::string_view key, WatchFlag flag);
  void Unwatch(int db, std::string_view key, const std::atomic<bool>* flag);

  // One slice of active expiry: samples volatile keys in each database and deletes the
  // expired ones, until fewer than a quarter of a sample expired or budget_us ran out.
  void ActiveExpireCycle(int64_t budget_us);

  // Evicts keys by the current policy until used() <= limit. Returns false when nothing
  // more can be evicted (noeviction, or no candidate key): the caller answers -OOM.
  bool EvictUntil(uint64_t limit, const std::function<uint64_t()>& used);
  // One step of eviction, for a caller that picks among several keyspaces (shards): the
  // key the policy would evict first here (entry nullptr if none, or noeviction), with its
  // score (higher goes first), and its eviction.
  struct Victim {
    Entry* entry = nullptr;
    int db = 0;
    int64_t score = INT64_MIN;
  };
  Victim EvictionVictim();
  void Evict(const Victim& v);

  // LFU counter of an entry with decay applied (OBJECT FREQ), LRU idle seconds.
  uint8_t LfuCounter(const Entry& e) const;
  int64_t IdleSeconds(const Entry& e) const;
  bool lfu() const { return lfu_; }

  size_t TotalKeys() const;

 private:
  bool Expired(const Entry& e) const {
    return !loading_ && e.expire_at_ms != kNoExpire && e.expire_at_ms <= clock_->NowMs();
  }
  void Touch(Entry& e);
  void KeepAll(std::string_view key);
  // Whether key is live, without deleting it when expired (Peek would: a DEL in the
  // journal, out of place inside SWAPDB or FLUSHDB).
  bool Exists(int db, std::string_view key) {
    const Entry* e = dbs_[db]->Find(key);
    return e != nullptr && !Expired(*e);
  }
  // Deletes an entry the server removes on its own (expiry, eviction), journalling a DEL.
  void DropEntry(int db, Entry* e);
  void NotifyModified(int db, std::string_view key);
  void TouchWatchedIfExists(int db, int exists_in);
  void SignalReady(int db, std::string_view key);
  // Signals every blocking key of db that exists in database exists_in.
  void SignalReadyIfExists(int db, int exists_in);
  // The best victim among samples of one database and its score (higher = evict first).
  std::pair<Entry*, int64_t> EvictionCandidate(int db);

  std::vector<std::unique_ptr<Database>> dbs_;
  const Clock* clock_;
  Journal* journal_ = nullptr;
  bool loading_ = false;
  // Per database: key -> dirty flags of the clients watching it.
  std::vector<StringMap<std::vector<WatchFlag>>> watched_;
  struct BlockingKey {
    uint32_t waiters = 0;  // clients blocked on the key
    bool ready = false;    // queued in ready_
  };
  std::vector<StringMap<BlockingKey>> blocking_;    // per database
  std::vector<std::pair<int, std::string>> ready_;  // (db, key), in signal order
  Stats stats_;
  std::mt19937_64 rng_{0x5eed};
  config::EvictionPolicy policy_ = config::EvictionPolicy::kNoEviction;
  bool lfu_ = false;
  int64_t lfu_log_factor_ = 10;
  int64_t lfu_decay_time_ = 1;
  int samples_ = 5;
  int expire_db_ = 0;  // where the next active expiry cycle starts
  int frozen_views_ = 0;
  const uint64_t* snapshot_bytes_ = nullptr;
};

}  // namespace rill::shard
