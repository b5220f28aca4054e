// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "persist/snapshot.h"

#include <cstring>
#include <vector>

#include "core/clock.h"
#include "core/coding.h"
#include "core/crc32c.h"

namespace rill::persist {
namespace {

enum RecordType : uint8_t {
  kSelectDb = 0x01,
  kString = 0x02,
  kStreamNodes = 0x03,
  kStream = 0x04,
  kEnd = 0xff,
};

constexpr size_t kNodesRecordBytes = 1 << 20;  // STREAM_NODES records stop growing past this
constexpr size_t kReadSize = 1 << 20;
constexpr size_t kMaxReadSize = 256 << 20;

void PutU32(std::string* out, uint32_t v) {
  char b[4];
  for (int i = 0; i < 4; i++) {
    b[i] = static_cast<char>(v >> (8 * i));
  }
  out->append(b, 4);
}

void PutU64(std::string* out, uint64_t v) {
  PutU32(out, static_cast<uint32_t>(v));
  PutU32(out, static_cast<uint32_t>(v >> 32));
}

uint32_t GetU32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; i++) {
    v |= static_cast<uint32_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  }
  return v;
}

void PutVar(std::string* out, uint64_t v) {
  char b[kMaxVarint64Bytes];
  out->append(b, PutVarint(b, v) - b);
}

void PutZigZag(std::string* out, int64_t v) {
  PutVar(out, (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
}

void PutStr(std::string* out, std::string_view s) {
  PutVar(out, s.size());
  out->append(s);
}

void PutId(std::string* out, stream::StreamId id) {
  PutVar(out, id.ms);
  PutVar(out, id.seq);
}

void PutExpire(std::string* out, int64_t expire_at_ms) {
  PutVar(out, expire_at_ms == shard::kNoExpire ? 0 : static_cast<uint64_t>(expire_at_ms) + 1);
}

// A bounds-checked reader over one buffer. Running out of bytes sets short_ (the record
// continues in data not read yet); a value that cannot be right sets bad_.
class Reader {
 public:
  Reader(const char* p, const char* end) : p_(p), end_(end) {}
  bool ok() const { return !short_ && bad_.empty(); }
  bool short_read() const { return short_; }
  const std::string& bad() const { return bad_; }
  const char* pos() const { return p_; }
  void Short() { short_ = true; }
  void Fail(std::string why) {
    if (bad_.empty() && !short_) {
      bad_ = std::move(why);
    }
  }

  uint8_t Byte() {
    if (!ok() || p_ == end_) {
      short_ = short_ || ok();
      return 0;
    }
    return static_cast<uint8_t>(*p_++);
  }
  uint64_t Var() {
    if (!ok()) {
      return 0;
    }
    uint64_t v = 0;
    const char* q = GetVarint(p_, end_, &v);
    if (q == nullptr) {
      if (end_ - p_ >= static_cast<ptrdiff_t>(kMaxVarint64Bytes)) {
        Fail("bad varint");
      } else {
        short_ = true;
      }
      return 0;
    }
    p_ = q;
    return v;
  }
  int64_t ZigZag() {
    const uint64_t v = Var();
    return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
  }
  std::string_view Str() {
    const uint64_t n = Var();
    if (!ok()) {
      return {};
    }
    if (n > static_cast<uint64_t>(end_ - p_)) {
      short_ = true;
      return {};
    }
    std::string_view s(p_, n);
    p_ += n;
    return s;
  }
  stream::StreamId Id() {
    stream::StreamId id;
    id.ms = Var();
    id.seq = Var();
    return id;
  }
  int64_t Expire() {
    const uint64_t v = Var();
    if (v > static_cast<uint64_t>(INT64_MAX)) {
      Fail("bad expire time");
    }
    return v == 0 ? shard::kNoExpire : static_cast<int64_t>(v - 1);
  }

 private:
  const char* p_;
  const char* end_;
  bool short_ = false;
  std::string bad_;
};

}  // namespace

// --- Encoder ---

std::string SnapshotTrailer(uint32_t crc) {
  std::string out;
  PutU32(&out, crc);
  return out;
}

SnapshotEncoder::SnapshotEncoder(int64_t created_ms, bool checksum) : checksum_(checksum) {
  buf_.append(kSnapshotMagic);
  PutU32(&buf_, kSnapshotVersion);
  PutU32(&buf_, 0);
  PutU64(&buf_, static_cast<uint64_t>(created_ms));
}

void SnapshotEncoder::SelectDb(int db) {
  if (db != db_) {
    buf_.push_back(static_cast<char>(kSelectDb));
    PutVar(&buf_, static_cast<uint64_t>(db));
    db_ = db;
  }
}

void SnapshotEncoder::Add(int db, std::string_view key, const shard::Value& value,
                          int64_t expire_at_ms) {
  if (value.is_stream()) {
    SelectDb(db);
    const stream::Stream& s = *value.stream;
    for (const auto& [id, node] : s.index()) {
      AddNode(key, node);
    }
    CloseNodes();
    PutStreamHead(key, expire_at_ms, s.last_id(), s.max_deleted_id(), s.entries_added(),
                  s.groups().size());
    for (const auto& [name, g] : s.groups()) {
      PutGroupHead(name, g->last_id(), g->entries_read(), g->consumers().size());
      std::vector<const stream::Consumer*> order;
      for (const auto& [cname, c] : g->consumers()) {
        PutConsumer(cname, c->seen_time_ms, c->active_time_ms);
        order.push_back(c.get());
      }
      PutVar(&buf_, g->pel().size());
      for (const auto& [id, pe] : g->pel()) {
        // Consumers are few: a linear search per pending entry is cheaper than a map.
        size_t index = 0;
        while (index < order.size() && order[index] != pe.consumer) {
          index++;
        }
        PutPending(id, index, pe.delivery_time_ms, pe.delivery_count);
      }
    }
    keys_++;
    return;
  }
  SelectDb(db);
  keys_++;
  buf_.push_back(static_cast<char>(kString));
  PutStr(&buf_, key);
  PutExpire(&buf_, expire_at_ms);
  PutStr(&buf_, value.str);
}

void SnapshotEncoder::AddNode(std::string_view key, const stream::Node& node) {
  if (nodes_count_ == 0) {
    nodes_start_ = buf_.size();
    buf_.push_back(static_cast<char>(kStreamNodes));
    PutStr(&buf_, key);
    nodes_count_pos_ = buf_.size();
    buf_.push_back(0);
  }
  PutId(&buf_, node.master_id());
  PutStr(&buf_, node.bytes());
  nodes_count_++;
  if (buf_.size() - nodes_start_ >= kNodesRecordBytes) {
    CloseNodes();
  }
}

void SnapshotEncoder::CloseNodes() {
  if (nodes_count_ > 0) {
    // The node count was left as a one-byte placeholder; write the real varint there.
    std::string n;
    PutVar(&n, nodes_count_);
    buf_.replace(nodes_count_pos_, 1, n);
  }
  nodes_count_ = 0;
}

bool SnapshotEncoder::AddStreamPart(int db, std::string_view key, stream::FrozenStream& s,
                                    int64_t expire_at_ms, int64_t deadline_us) {
  SelectDb(db);
  int n = 0;
  const auto more = [&] {
    return buf_.size() < kChunkBytes && ((++n & 15) != 0 || MonotonicUs() < deadline_us);
  };
  if (!record_open_) {
    const bool all = s.Read([&](const stream::Node& node) {
      AddNode(key, node);
      return more();
    });
    CloseNodes();
    if (!all) {
      return false;
    }
    PutStreamHead(key, expire_at_ms, s.last_id(), s.max_deleted_id(), s.entries_added(),
                  s.groups().size());
    record_open_ = true;
    group_ = 0;
    group_open_ = false;
  }
  for (; group_ < s.groups().size(); group_++) {
    const auto& [name, g] = s.groups()[group_];
    if (!group_open_) {
      PutGroupHead(name, g->last_id(), g->entries_read(), g->consumers().size());
      for (const auto& c : g->consumers()) {
        PutConsumer(c.name, c.seen_time_ms, c.active_time_ms);
      }
      PutVar(&buf_, g->pel_size());
      group_open_ = true;
    }
    if (!g->ReadPel([&](const stream::FrozenGroup::Pending& p) {
          PutPending(p.id, p.consumer, p.delivery_time_ms, p.delivery_count);
          return more();
        })) {
      return false;
    }
    group_open_ = false;
  }
  record_open_ = false;
  keys_++;
  return true;
}

void SnapshotEncoder::PutStreamHead(std::string_view key, int64_t expire_at_ms,
                                    stream::StreamId last_id, stream::StreamId max_deleted_id,
                                    uint64_t entries_added, size_t groups) {
  buf_.push_back(static_cast<char>(kStream));
  PutStr(&buf_, key);
  PutExpire(&buf_, expire_at_ms);
  PutId(&buf_, last_id);
  PutId(&buf_, max_deleted_id);
  PutVar(&buf_, entries_added);
  PutVar(&buf_, groups);
}

void SnapshotEncoder::PutGroupHead(std::string_view name, stream::StreamId last_id,
                                   int64_t entries_read, size_t consumers) {
  PutStr(&buf_, name);
  PutId(&buf_, last_id);
  PutVar(&buf_, static_cast<uint64_t>(entries_read + 1));
  PutVar(&buf_, consumers);
}

void SnapshotEncoder::PutConsumer(std::string_view name, int64_t seen_time_ms,
                                  int64_t active_time_ms) {
  PutStr(&buf_, name);
  PutZigZag(&buf_, seen_time_ms);
  PutZigZag(&buf_, active_time_ms);
}

void SnapshotEncoder::PutPending(stream::StreamId id, uint64_t consumer, int64_t delivery_time_ms,
                                 uint64_t delivery_count) {
  PutId(&buf_, id);
  PutVar(&buf_, consumer);
  PutZigZag(&buf_, delivery_time_ms);
  PutVar(&buf_, delivery_count);
}

std::string SnapshotEncoder::Take() {
  if (checksum_) {
    crc_ = crc32c::Extend(crc_, buf_);
  }
  std::string out;
  out.swap(buf_);
  return out;
}

std::string SnapshotEncoder::Finish() {
  buf_.push_back(static_cast<char>(kEnd));
  if (checksum_) {
    crc_ = crc32c::Extend(crc_, buf_);
    PutU32(&buf_, crc_);
  }
  std::string out;
  out.swap(buf_);
  return out;
}

// --- Parser ---

namespace internal {

// Applies whole records from a growing buffer to the keyspace.
class SnapshotParser {
 public:
  // A route that gives null: check only.
  SnapshotParser(std::string path, KeyspaceFor route)
      : path_(std::move(path)), route_(std::move(route)), any_(route_(std::string_view())) {}

  // Parses the records in buf_; more data is appended by the caller. done() after END and
  // its checksum; at the end of the file (eof) anything unfinished is an error.
  Status Parse(bool eof) {
    while (!done_) {
      Reader r(buf_.data() + pos_, buf_.data() + buf_.size());
      const Status s = header_read_ ? Record(r) : Header(r);
      if (!s.ok()) {
        return Corrupt(s.message());
      }
      if (!r.bad().empty()) {
        return Corrupt(r.bad());
      }
      if (r.short_read()) {
        if (eof) {
          return Corrupt("the file ends in the middle of a record");
        }
        break;
      }
      const size_t used = r.pos() - (buf_.data() + pos_);
      if (!done_) {
        crc_ = crc32c::Extend(crc_, buf_.data() + pos_, used);
      }
      pos_ += used;
    }
    if (done_ && pos_ != buf_.size()) {
      return Corrupt("bytes after the end of the snapshot");
    }
    if (eof && !done_) {
      return Corrupt("the file ends before its END record");
    }
    // Keep the unparsed tail only.
    if (pos_ > 0 && pos_ * 2 >= buf_.size()) {
      buf_.erase(0, pos_);
      offset_ += pos_;
      pos_ = 0;
    }
    return Status::Ok();
  }

  std::string& buffer() { return buf_; }
  uint64_t consumed() const { return offset_ + pos_; }  // bytes of whole records parsed
  bool done() const { return done_; }
  uint64_t keys() const { return keys_; }

 private:
  Status Corrupt(const std::string& why) const {
    return Status(ErrorCode::kIoError, "Bad snapshot file " + path_ + " at offset " +
                                           std::to_string(offset_ + pos_) + ": " + why);
  }

  Status Header(Reader& r) {
    const char* h = buf_.data() + pos_;
    const size_t have = buf_.size() - pos_;
    if (std::string_view(h, std::min(have, kSnapshotMagic.size())) !=
        kSnapshotMagic.substr(0, std::min(have, kSnapshotMagic.size()))) {
      return Status::Err("not a Rill snapshot (bad magic)");
    }
    if (have < kSnapshotHeaderSize) {
      r.Short();
      return Status::Ok();
    }
    const uint32_t version = GetU32(h + 8);
    if (version != kSnapshotVersion) {
      return Status::Err("snapshot format version " + std::to_string(version) +
                         " is not supported by this version of Rill (it reads version " +
                         std::to_string(kSnapshotVersion) + ")");
    }
    for (size_t i = 0; i < kSnapshotHeaderSize; i++) {
      r.Byte();
    }
    header_read_ = true;
    return Status::Ok();
  }

  Status Record(Reader& r) {
    const uint8_t type = r.Byte();
    if (!r.ok()) {
      return Status::Ok();
    }
    if (stream_ != nullptr && type != kStreamNodes && type != kStream) {
      return Status::Err("stream nodes without their stream record");
    }
    switch (type) {
      case kSelectDb: {
        const uint64_t db = r.Var();
        if (!r.ok()) {
          return Status::Ok();
        }
        if (any_ != nullptr && db >= static_cast<uint64_t>(any_->databases())) {
          return Status::Err("database " + std::to_string(db) +
                             " is out of range (raise `databases`)");
        }
        if (db > INT32_MAX) {
          return Status::Err("bad database number");
        }
        db_ = static_cast<int>(db);
        return Status::Ok();
      }
      case kString: {
        const std::string_view key = r.Str();
        const int64_t expire = r.Expire();
        const std::string_view value = r.Str();
        if (!r.ok()) {
          return Status::Ok();
        }
        return Insert(key, shard::Value::String(std::string(value)), expire);
      }
      case kStreamNodes:
        return StreamNodes(r);
      case kStream:
        return StreamRecord(r);
      case kEnd: {
        const char* crc_at = r.pos();
        for (int i = 0; i < 4; i++) {
          r.Byte();
        }
        if (!r.ok()) {
          return Status::Ok();
        }
        crc_ = crc32c::Extend(crc_, crc_at - 1, 1);  // the END byte
        if (GetU32(crc_at) != crc_) {
          return Status::Err("checksum mismatch");
        }
        done_ = true;
        return Status::Ok();
      }
      default:
        return Status::Err("unknown record type " + std::to_string(type));
    }
  }

  Status StreamNodes(Reader& r) {
    const std::string_view key = r.Str();
    const uint64_t n = r.Var();
    if (!r.ok()) {
      return Status::Ok();
    }
    // Decode into a scratch list first: the record may not be whole yet.
    std::vector<std::pair<stream::StreamId, std::string_view>> blocks;
    for (uint64_t i = 0; i < n && r.ok(); i++) {
      const stream::StreamId master = r.Id();
      const std::string_view block = r.Str();
      blocks.emplace_back(master, block);
    }
    if (!r.ok()) {
      return Status::Ok();
    }
    if (stream_ == nullptr) {
      stream_ = std::make_unique<stream::Stream>();
      stream_key_ = std::string(key);
    } else if (key != stream_key_) {
      return Status::Err("stream nodes of two keys interleaved");
    }
    for (const auto& [master, block] : blocks) {
      Result<stream::Node> node = stream::Node::FromBytes(master, block);
      if (!node.ok()) {
        return Status::Err(node.status().message());
      }
      if (Status s = stream_->LoadNode(std::move(*node)); !s.ok()) {
        return Status::Err(s.message());
      }
    }
    return Status::Ok();
  }

  Status StreamRecord(Reader& r) {
    const std::string_view key = r.Str();
    const int64_t expire = r.Expire();
    const stream::StreamId last_id = r.Id();
    const stream::StreamId max_deleted = r.Id();
    const uint64_t entries_added = r.Var();
    if (!r.ok()) {
      return Status::Ok();
    }
    // The groups are read twice: into a scratch stream to learn whether the record is
    // whole, then into the real one.
    Reader probe = r;
    stream::Stream scratch;
    if (Status st = Groups(probe, scratch); !st.ok() || !probe.ok()) {
      r = probe;
      return st;
    }
    if (stream_ != nullptr && key != stream_key_) {
      return Status::Err("stream record for another key than its nodes");
    }
    std::unique_ptr<stream::Stream> s =
        stream_ != nullptr ? std::move(stream_) : std::make_unique<stream::Stream>();
    if (Status st = Groups(r, *s); !st.ok()) {
      return st;
    }
    if (last_id < s->last_id()) {
      return Status::Err("stream last id below its entries");
    }
    s->SetLastId(last_id);
    s->set_max_deleted_id(max_deleted);
    s->set_entries_added(entries_added);
    shard::Value v;
    v.type = shard::ValueType::kStream;
    v.stream = std::move(s);
    return Insert(key, std::move(v), expire);
  }

  Status Groups(Reader& r, stream::Stream& s) {
    const uint64_t groups = r.Var();
    for (uint64_t g = 0; g < groups && r.ok(); g++) {
      const std::string_view name = r.Str();
      const stream::StreamId last = r.Id();
      const int64_t entries_read = static_cast<int64_t>(r.Var()) - 1;
      const uint64_t consumers = r.Var();
      if (!r.ok()) {
        return Status::Ok();
      }
      stream::ConsumerGroup* group = s.CreateGroup(name, last, entries_read);
      if (group == nullptr) {
        return Status::Err("duplicate consumer group");
      }
      std::vector<stream::Consumer*> order;
      for (uint64_t c = 0; c < consumers && r.ok(); c++) {
        const std::string_view cname = r.Str();
        const int64_t seen = r.ZigZag();
        const int64_t active = r.ZigZag();
        if (!r.ok()) {
          return Status::Ok();
        }
        stream::Consumer* consumer = group->CreateConsumer(cname, seen);
        if (consumer == nullptr) {
          return Status::Err("duplicate consumer");
        }
        consumer->active_time_ms = active;
        order.push_back(consumer);
      }
      const uint64_t pending = r.Var();
      for (uint64_t p = 0; p < pending && r.ok(); p++) {
        const stream::StreamId id = r.Id();
        const uint64_t index = r.Var();
        const int64_t time = r.ZigZag();
        const uint64_t count = r.Var();
        if (!r.ok()) {
          return Status::Ok();
        }
        if (index >= order.size()) {
          return Status::Err("pending entry of an unknown consumer");
        }
        group->Deliver(id, order[index], time);
        group->Touch(group->pel().find(id)).delivery_count = count;
      }
    }
    return Status::Ok();
  }

  Status Insert(std::string_view key, shard::Value v, int64_t expire) {
    keys_++;
    if (any_ == nullptr) {
      return Status::Ok();
    }
    shard::Keyspace* ks = route_(key);
    if (ks->db(db_).Find(key) != nullptr) {
      return Status::Err("duplicate key");
    }
    shard::Entry* e = ks->Add(db_, key, std::move(v));
    if (expire != shard::kNoExpire) {
      ks->SetExpire(db_, e, expire);
    }
    return Status::Ok();
  }

  std::string path_;
  KeyspaceFor route_;
  shard::Keyspace* any_;  // one of them (databases), or null
  std::string buf_;
  size_t pos_ = 0;
  uint64_t offset_ = 0;  // file offset of buf_[0]
  uint32_t crc_ = 0;     // of the bytes parsed so far
  bool header_read_ = false;
  bool done_ = false;
  int db_ = 0;
  uint64_t keys_ = 0;
  std::unique_ptr<stream::Stream> stream_;  // nodes read, STREAM record to come
  std::string stream_key_;
};

}  // namespace internal

// --- Loader ---

KeyspaceFor AllTo(shard::Keyspace* ks) {
  return [ks](std::string_view) { return ks; };
}

KeyspaceFor ToItsShard(shard::ShardSet& set) {
  return [&set](std::string_view key) { return &set.Owner(key).keyspace(); };
}

SnapshotLoader::SnapshotLoader(FileSystem* fs, std::string path, KeyspaceFor route)
    : fs_(fs),
      path_(std::move(path)),
      parser_(std::make_unique<internal::SnapshotParser>(path_, std::move(route))) {}

SnapshotLoader::~SnapshotLoader() = default;

Status SnapshotLoader::Open() {
  Result<std::unique_ptr<SequentialFile>> f = fs_->OpenRead(path_);
  if (!f.ok()) {
    return f.status();
  }
  file_ = std::move(*f);
  return Status::Ok();
}

uint64_t SnapshotLoader::keys() const { return parser_->keys(); }

Result<bool> SnapshotLoader::Step(int64_t deadline_us) {
  do {
    std::string& buf = parser_->buffer();
    const size_t old = buf.size();
    buf.resize(old + read_size_);
    Result<size_t> n = file_->Read(buf.data() + old, read_size_);
    if (!n.ok()) {
      buf.resize(old);
      return n.status();
    }
    buf.resize(old + *n);
    bytes_read_ += *n;
    const uint64_t before = parser_->consumed();
    if (Status s = parser_->Parse(*n == 0); !s.ok()) {
      return s;
    }
    // A record larger than what was read is parsed again from its start with every read:
    // reading twice as much each time keeps that linear in its size.
    read_size_ = parser_->consumed() == before ? std::min(read_size_ * 2, kMaxReadSize) : kReadSize;
    if (*n == 0) {
      return true;
    }
  } while (MonotonicUs() < deadline_us);
  return false;
}

bool IsSnapshotFile(FileSystem* fs, const std::string& path) {
  Result<std::unique_ptr<SequentialFile>> f = fs->OpenRead(path);
  if (!f.ok()) {
    return false;
  }
  char magic[8];
  size_t have = 0;
  while (have < sizeof(magic)) {
    Result<size_t> n = (*f)->Read(magic + have, sizeof(magic) - have);
    if (!n.ok() || *n == 0) {
      return false;
    }
    have += *n;
  }
  return std::string_view(magic, sizeof(magic)) == kSnapshotMagic;
}

Status LoadSnapshot(FileSystem* fs, const std::string& path, shard::Keyspace* ks) {
  return LoadSnapshot(fs, path, AllTo(ks));
}

Status LoadSnapshot(FileSystem* fs, const std::string& path, const KeyspaceFor& route) {
  SnapshotLoader loader(fs, path, route);
  if (Status s = loader.Open(); !s.ok()) {
    return s;
  }
  for (;;) {
    Result<bool> done = loader.Step(INT64_MAX);
    if (!done.ok()) {
      return done.status();
    }
    if (*done) {
      return Status::Ok();
    }
  }
}

}  // namespace rill::persist
