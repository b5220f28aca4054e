// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "shard/keyspace.h"

#include <absl/hash/hash.h>

#include <algorithm>
#include <cmath>

#include "core/check.h"
#include "core/strings.h"

namespace rill::shard {

Value Value::String(std::string s) {
  Value v;
  v.type = ValueType::kString;
  if (s.size() <= 20 && ParseInt64(s).has_value()) {
    v.encoding = StringEncoding::kInt;
  } else if (s.size() <= 44) {
    v.encoding = StringEncoding::kEmbStr;
  } else {
    v.encoding = StringEncoding::kRaw;
  }
  v.str = std::move(s);
  return v;
}

Value Value::NewStream() {
  Value v;
  v.type = ValueType::kStream;
  v.stream = std::make_unique<stream::Stream>();
  return v;
}

Value Value::Clone() const {
  Value v;
  v.type = type;
  v.encoding = encoding;
  v.str = str;
  if (stream != nullptr) {
    v.stream = stream->Clone();
  }
  return v;
}

std::string_view EncodingName(const Value& v) {
  if (v.is_stream()) {
    return "stream";
  }
  switch (v.encoding) {
    case StringEncoding::kInt:
      return "int";
    case StringEncoding::kEmbStr:
      return "embstr";
    case StringEncoding::kRaw:
      return "raw";
  }
  return "raw";
}

void ReplaceValue(Value& dst, Value&& src) {
  Value old = std::move(dst);  // steals dst's buffer, freed when `old` goes out of scope
  dst = std::move(src);
}

// --- Database ---

size_t Database::IndexHash::operator()(uint32_t s) const {
  return absl::Hash<std::string_view>{}(db->slot(s).key);
}

size_t Database::IndexHash::operator()(std::string_view key) const {
  return absl::Hash<std::string_view>{}(key);
}

bool Database::IndexEq::operator()(uint32_t a, std::string_view b) const {
  return db->slot(a).key == b;
}

Database::Database() : index_(0, IndexHash{this}, IndexEq{this}) {}

Entry* Database::Find(std::string_view key) {
  auto it = index_.find(key);
  return it == index_.end() ? nullptr : &slot(*it);
}

Entry* Database::Insert(std::string_view key, Value value) {
  uint32_t s;
  if (!free_.empty()) {
    s = free_.back();
    free_.pop_back();
  } else {
    s = high_water_++;
    if ((s >> kChunkBits) >= chunks_.size()) {
      chunks_.push_back(std::make_unique<Entry[]>(kChunkSize));
    }
  }
  if (frozen_ != nullptr && s >= frozen_->cursor && s < frozen_->end) {
    frozen_->born.insert(s);
  }
  Entry& e = slot(s);
  e.key.assign(key.data(), key.size());
  e.value = std::move(value);
  e.expire_at_ms = kNoExpire;
  e.volatile_pos = kNoPos;
  e.access = 0;
  e.slot = s;
  e.live = true;
  index_.insert(s);
  return &e;
}

namespace {

// About what a value's memory is (snapshots count what they keep aside).
uint64_t ValueBytes(const Value& v) {
  return v.is_stream() ? v.stream->MemoryUsage() : v.str.capacity() + sizeof(Value);
}

}  // namespace

void Database::KeepAside(uint32_t slot, FrozenEntry kept) {
  if (kept.stream == nullptr) {
    kept.bytes = ValueBytes(kept.value);
  }
  *frozen_->kept_bytes += kept.bytes;
  frozen_->kept.emplace(slot, std::move(kept));
  frozen_->kept_total++;
}

void Database::Erase(Entry* e) {
  RILL_DCHECK(e->live);
  if (Unread(*e)) {
    KeepAside(e->slot,
              {.key = e->key, .value = std::move(e->value), .expire_at_ms = e->expire_at_ms});
  }
  index_.erase(e->slot);
  ClearExpire(e);
  const uint32_t s = e->slot;
  // Move out, then reset: assigning Entry() alone would keep the strings' heap buffers
  // (libstdc++ move-assignment from a short string reuses the destination's buffer).
  Entry dead = std::move(*e);
  *e = Entry();
  free_.push_back(s);
}

void Database::Keep(Entry* e) {
  if (!Unread(*e)) {
    return;
  }
  FrozenEntry kept{.key = e->key, .expire_at_ms = e->expire_at_ms};
  if (e->value.is_stream()) {
    // The nodes it changes are handed over as it changes them (stream::FrozenStream).
    kept.stream = e->value.stream->Freeze();
    kept.stream->set_account(frozen_->kept_bytes);
    kept.bytes = 256 * (1 + e->value.stream->groups().size());
  } else {
    kept.value = e->value.Clone();
  }
  KeepAside(e->slot, std::move(kept));
}

void Database::SetExpire(Entry* e, int64_t at_ms) {
  Keep(e);
  if (e->volatile_pos == kNoPos) {
    e->volatile_pos = static_cast<uint32_t>(volatile_.size());
    volatile_.push_back(e->slot);
  }
  e->expire_at_ms = at_ms;
}

void Database::ClearExpire(Entry* e) {
  if (e->volatile_pos == kNoPos) {
    return;
  }
  Keep(e);
  const uint32_t pos = e->volatile_pos;
  const uint32_t last = volatile_.back();
  volatile_[pos] = last;
  slot(last).volatile_pos = pos;
  volatile_.pop_back();
  e->volatile_pos = kNoPos;
  e->expire_at_ms = kNoExpire;
}

void Database::Clear() {
  if (frozen_ != nullptr) {
    for (uint32_t s = frozen_->cursor; s < std::min(frozen_->end, high_water_); s++) {
      Entry& e = slot(s);
      if (e.live && Unread(e)) {
        KeepAside(
            s,
            {.key = std::move(e.key), .value = std::move(e.value), .expire_at_ms = e.expire_at_ms});
      }
    }
  }
  index_.clear();
  chunks_.clear();
  free_.clear();
  volatile_.clear();
  high_water_ = 0;
}

Entry* Database::RandomEntry(std::mt19937_64& rng) {
  if (index_.empty()) {
    return nullptr;
  }
  for (int i = 0; i < 32; i++) {
    Entry& e = slot(static_cast<uint32_t>(rng() % high_water_));
    if (e.live) {
      return &e;
    }
  }
  // Mostly free slots: walk from a random point (wrapping) to the next live one.
  const uint32_t start = static_cast<uint32_t>(rng() % high_water_);
  for (uint32_t k = 0; k < high_water_; k++) {
    Entry& e = slot((start + k) % high_water_);
    if (e.live) {
      return &e;
    }
  }
  return nullptr;
}

Entry* Database::RandomVolatile(std::mt19937_64& rng) {
  if (volatile_.empty()) {
    return nullptr;
  }
  return &slot(volatile_[rng() % volatile_.size()]);
}

uint64_t Database::Scan(uint64_t cursor, size_t count, const std::function<void(Entry&)>& fn) {
  uint64_t i = cursor;
  size_t returned = 0;
  size_t visited = 0;
  const size_t max_visit = count * 10 + 10;
  while (i < high_water_ && returned < count && visited < max_visit) {
    Entry& e = slot(static_cast<uint32_t>(i));
    if (e.live) {
      fn(e);
      returned++;
    }
    visited++;
    i++;
  }
  return i >= high_water_ ? 0 : i;
}

size_t Database::MemoryUsage() const {
  return chunks_.size() * kChunkSize * sizeof(Entry) + index_.capacity() * (sizeof(uint32_t) + 1) +
         (free_.capacity() + volatile_.capacity()) * sizeof(uint32_t);
}

// --- Keyspace ---

namespace {

constexpr uint8_t kLfuInitVal = 5;  // Redis's LFU_INIT_VAL: new keys are not evicted first

uint32_t LruClock(int64_t now_ms) { return static_cast<uint32_t>(now_ms / 1000); }
uint32_t LfuMinutes(int64_t now_ms) { return static_cast<uint32_t>((now_ms / 60000) & 0xFFFF); }

}  // namespace

Keyspace::Keyspace(int databases, const Clock* clock)
    : clock_(clock), watched_(databases), blocking_(databases) {
  for (int i = 0; i < databases; i++) {
    dbs_.push_back(std::make_unique<Database>());
  }
}

void Keyspace::set_policy(const config::Config& cfg) {
  policy_ = cfg.maxmemory_policy;
  lfu_ = policy_ == config::EvictionPolicy::kAllKeysLfu ||
         policy_ == config::EvictionPolicy::kVolatileLfu;
  lfu_log_factor_ = cfg.lfu_log_factor;
  lfu_decay_time_ = cfg.lfu_decay_time;
  samples_ = static_cast<int>(cfg.maxmemory_samples);
}

uint8_t Keyspace::LfuCounter(const Entry& e) const {
  const uint32_t last_min = e.access >> 8;
  const uint32_t counter = e.access & 0xFF;
  const uint32_t now_min = LfuMinutes(clock_->NowMs());
  const uint32_t elapsed = (now_min - last_min) & 0xFFFF;
  const uint32_t periods = lfu_decay_time_ > 0 ? elapsed / lfu_decay_time_ : 0;
  return static_cast<uint8_t>(periods >= counter ? 0 : counter - periods);
}

int64_t Keyspace::IdleSeconds(const Entry& e) const {
  return static_cast<uint32_t>(LruClock(clock_->NowMs()) - e.access);
}

void Keyspace::Touch(Entry& e) {
  const int64_t now = clock_->NowMs();
  if (!lfu_) {
    e.access = LruClock(now);
    return;
  }
  // Redis's LFULogIncr: the counter grows with probability 1/((c - init) * factor + 1).
  uint32_t counter = LfuCounter(e);
  if (counter < 255) {
    const double base = counter > kLfuInitVal ? counter - kLfuInitVal : 0;
    const double p = 1.0 / (base * static_cast<double>(lfu_log_factor_) + 1);
    if (std::uniform_real_distribution<double>(0, 1)(rng_) < p) {
      counter++;
    }
  }
  e.access = (LfuMinutes(now) << 8) | counter;
}

void Keyspace::NotifyModified(int db, std::string_view key) {
  SignalKeyReady(db, key);
  if (watched_[db].empty()) {
    return;
  }
  auto it = watched_[db].find(key);
  if (it != watched_[db].end()) {
    for (const WatchFlag& flag : it->second) {
      flag->store(true, std::memory_order_relaxed);
    }
  }
}

void Keyspace::SignalReady(int db, std::string_view key) {
  auto it = blocking_[db].find(key);
  if (it == blocking_[db].end() || it->second.ready) {
    return;
  }
  it->second.ready = true;
  ready_.emplace_back(db, std::string(key));
}

void Keyspace::SignalReadyIfExists(int db, int exists_in) {
  for (auto& [key, waiters] : blocking_[db]) {
    if (Exists(exists_in, key)) {
      SignalReady(db, key);
    }
  }
}

void Keyspace::AddBlockingKey(int db, std::string_view key) { blocking_[db][key].waiters++; }

void Keyspace::RemoveBlockingKey(int db, std::string_view key) {
  auto it = blocking_[db].find(key);
  if (it != blocking_[db].end() && --it->second.waiters == 0) {
    blocking_[db].erase(it);
  }
}

std::vector<std::pair<int, std::string>> Keyspace::TakeReadyKeys() {
  std::vector<std::pair<int, std::string>> keys;
  keys.swap(ready_);
  for (const auto& [db, key] : keys) {
    auto it = blocking_[db].find(key);
    if (it != blocking_[db].end()) {
      it->second.ready = false;
    }
  }
  return keys;
}

void Keyspace::TouchWatchedIfExists(int db, int exists_in) {
  for (auto& [key, flags] : watched_[db]) {
    if (Exists(exists_in, key)) {
      for (const WatchFlag& flag : flags) {
        flag->store(true, std::memory_order_relaxed);
      }
    }
  }
}

void Keyspace::Watch(int db, std::string_view key, WatchFlag flag) {
  std::vector<WatchFlag>& flags = watched_[db][key];
  if (std::find(flags.begin(), flags.end(), flag) == flags.end()) {
    flags.push_back(std::move(flag));
  }
}

void Keyspace::Unwatch(int db, std::string_view key, const std::atomic<bool>* flag) {
  auto it = watched_[db].find(key);
  if (it == watched_[db].end()) {
    return;
  }
  std::erase_if(it->second, [flag](const WatchFlag& f) { return f.get() == flag; });
  if (it->second.empty()) {
    watched_[db].erase(it);
  }
}

void Keyspace::MarkModified(int db, std::string_view key) { NotifyModified(db, key); }

Entry* Keyspace::Peek(int db, std::string_view key) {
  Entry* e = dbs_[db]->Find(key);
  if (e != nullptr && Expired(*e)) {
    stats_.expired_keys++;
    DropEntry(db, e);
    return nullptr;
  }
  return e;
}

Entry* Keyspace::FindRead(int db, std::string_view key) {
  Entry* e = Peek(db, key);
  if (e == nullptr) {
    stats_.keyspace_misses++;
    return nullptr;
  }
  stats_.keyspace_hits++;
  Touch(*e);
  return e;
}

Entry* Keyspace::FindWrite(int db, std::string_view key) {
  Entry* e = Peek(db, key);
  if (e != nullptr) {
    Touch(*e);
  }
  return e;
}

Entry* Keyspace::Add(int db, std::string_view key, Value value) {
  Entry* e = dbs_[db]->Insert(key, std::move(value));
  e->access = lfu_ ? (LfuMinutes(clock_->NowMs()) << 8) | kLfuInitVal : LruClock(clock_->NowMs());
  NotifyModified(db, key);
  return e;
}

Entry* Keyspace::Set(int db, std::string_view key, Value value, bool keep_ttl) {
  Entry* e = Peek(db, key);
  if (e == nullptr) {
    return Add(db, key, std::move(value));
  }
  dbs_[db]->Keep(e);
  ReplaceValue(e->value, std::move(value));
  if (!keep_ttl) {
    dbs_[db]->ClearExpire(e);
  }
  Touch(*e);
  NotifyModified(db, key);
  return e;
}

bool Keyspace::Delete(int db, std::string_view key) {
  Entry* e = Peek(db, key);
  if (e == nullptr) {
    return false;
  }
  DeleteEntry(db, e);
  return true;
}

void Keyspace::DropEntry(int db, Entry* e) {
  if (journal_ != nullptr) {
    journal_->Append(db, {"DEL", e->key});
  }
  DeleteEntry(db, e);
}

void Keyspace::DeleteEntry(int db, Entry* e) {
  if (watched_[db].empty() && blocking_[db].empty()) {
    dbs_[db]->Erase(e);
    return;
  }
  const std::string key = e->key;  // watchers and waiters are found by key after it is gone
  dbs_[db]->Erase(e);
  NotifyModified(db, key);
}

void Keyspace::SetExpire(int db, Entry* e, int64_t at_ms) {
  dbs_[db]->SetExpire(e, at_ms);
  NotifyModified(db, e->key);
}

bool Keyspace::Persist(int db, Entry* e) {
  if (e->expire_at_ms == kNoExpire) {
    return false;
  }
  dbs_[db]->ClearExpire(e);
  NotifyModified(db, e->key);
  return true;
}

void Keyspace::KeepAll(std::string_view key) {
  for (const std::unique_ptr<Database>& d : dbs_) {
    if (d->frozen() != nullptr) {
      if (Entry* e = d->Find(key); e != nullptr) {
        d->Keep(e);
      }
    }
  }
}

void Keyspace::FlushDb(int db) {
  TouchWatchedIfExists(db, db);
  SignalReadyIfExists(db, db);
  dbs_[db]->Clear();
}

void Keyspace::FlushAll() {
  for (int db = 0; db < databases(); db++) {
    FlushDb(db);
  }
}

void Keyspace::SwapDb(int a, int b) {
  // A watcher of a key that exists in either database sees it change (Redis's
  // touchAllWatchedKeysInDb, run for both databases).
  for (int db : {a, b}) {
    TouchWatchedIfExists(db, a);
    TouchWatchedIfExists(db, b);
  }
  std::swap(dbs_[a], dbs_[b]);
  // Readers blocked in either database may find their key there now (Redis's
  // scanDatabaseForReadyKeys after SWAPDB).
  SignalReadyIfExists(a, a);
  SignalReadyIfExists(b, b);
}

size_t Keyspace::TotalKeys() const {
  size_t n = 0;
  for (const auto& d : dbs_) {
    n += d->size();
  }
  return n;
}

void Keyspace::ActiveExpireCycle(int64_t budget_us) {
  constexpr int kSample = 20;  // Redis's ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP
  if (loading_) {
    return;
  }
  const int64_t start = MonotonicUs();
  stats_.expire_cycle_runs++;
  const int n = databases();
  for (int k = 0; k < n; k++) {
    const int db = (expire_db_ + k) % n;
    Database& d = *dbs_[db];
    int iterations = 0;
    while (d.expires_size() > 0) {
      const int64_t now = clock_->NowMs();
      int expired = 0;
      const int sample = static_cast<int>(std::min<size_t>(kSample, d.expires_size()));
      for (int i = 0; i < sample && d.expires_size() > 0; i++) {
        Entry* e = d.RandomVolatile(rng_);
        if (e->expire_at_ms <= now) {
          stats_.expired_keys++;
          DropEntry(db, e);
          expired++;
        }
      }
      if ((++iterations & 15) == 0 && MonotonicUs() - start > budget_us) {
        expire_db_ = db;  // out of time: continue here next cycle
        return;
      }
      if (expired * 4 <= sample) {
        break;
      }
    }
  }
  expire_db_ = (expire_db_ + 1) % n;
}

std::pair<Entry*, int64_t> Keyspace::EvictionCandidate(int db) {
  Database& d = *dbs_[db];
  const bool volatile_only = policy_ == config::EvictionPolicy::kVolatileLru ||
                             policy_ == config::EvictionPolicy::kVolatileLfu ||
                             policy_ == config::EvictionPolicy::kVolatileRandom ||
                             policy_ == config::EvictionPolicy::kVolatileTtl;
  Entry* best = nullptr;
  int64_t best_score = INT64_MIN;
  for (int i = 0; i < samples_; i++) {
    Entry* e = volatile_only ? d.RandomVolatile(rng_) : d.RandomEntry(rng_);
    if (e == nullptr) {
      return {nullptr, 0};
    }
    int64_t score = 0;  // higher = better victim
    switch (policy_) {
      case config::EvictionPolicy::kAllKeysLru:
      case config::EvictionPolicy::kVolatileLru:
        score = IdleSeconds(*e);
        break;
      case config::EvictionPolicy::kAllKeysLfu:
      case config::EvictionPolicy::kVolatileLfu:
        score = 255 - LfuCounter(*e);
        break;
      case config::EvictionPolicy::kVolatileTtl:
        score = -e->expire_at_ms;
        break;
      default:
        return {e, 0};  // random policies: the first sample is as good as any
    }
    if (score > best_score) {
      best = e;
      best_score = score;
    }
  }
  return {best, best_score};
}

bool Keyspace::EvictUntil(uint64_t limit, const std::function<uint64_t()>& used) {
  if (policy_ == config::EvictionPolicy::kNoEviction) {
    return used() <= limit;
  }
  while (used() > limit) {
    const Victim v = EvictionVictim();
    if (v.entry == nullptr) {
      return false;
    }
    Evict(v);
  }
  return true;
}

Keyspace::Victim Keyspace::EvictionVictim() {
  Victim v;
  if (policy_ == config::EvictionPolicy::kNoEviction) {
    return v;
  }
  for (int db = 0; db < databases(); db++) {
    auto [e, score] = EvictionCandidate(db);
    if (e != nullptr && score > v.score) {
      v = {e, db, score};
    }
  }
  return v;
}

void Keyspace::Evict(const Victim& v) {
  stats_.evicted_keys++;
  DropEntry(v.db, v.entry);
}

}  // namespace rill::shard
