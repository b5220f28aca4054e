// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "stream/node.h"

#include <malloc.h>

#include <cstdlib>
#include <cstring>
#include <utility>

#include "core/check.h"
#include "core/coding.h"

namespace rill::stream {
namespace {

constexpr uint8_t kDeleted = 1;
constexpr uint8_t kSameFields = 2;
constexpr int kIdShift = 2;
enum IdCode : uint8_t { kNextSeq = 0, kSeqDelta = 1, kMsDelta = 2, kSameId = 3 };

size_t StringSize(std::string_view s) { return VarintLength(s.size()) + s.size(); }

char* PutString(char* p, std::string_view s) {
  p = PutVarint(p, s.size());
  memcpy(p, s.data(), s.size());
  return p + s.size();
}

// Reads [len v][bytes] from [p, end); nullptr when it does not fit.
const char* GetString(const char* p, const char* end, std::string_view* s) {
  uint64_t len = 0;
  p = GetVarint(p, end, &len);
  if (p == nullptr || len > static_cast<uint64_t>(end - p)) {
    return nullptr;
  }
  *s = std::string_view(p, len);
  return p + len;
}

// The id code and its extra bytes for id following prev.
IdCode CodeFor(StreamId prev, StreamId id, bool first, size_t* extra) {
  *extra = 0;
  if (first) {
    return kSameId;
  }
  if (id.ms == prev.ms) {
    if (id.seq == prev.seq + 1) {
      return kNextSeq;
    }
    *extra = VarintLength(id.seq - prev.seq);
    return kSeqDelta;
  }
  *extra = VarintLength(id.ms - prev.ms) + VarintLength(id.seq);
  return kMsDelta;
}

// A node's bytes live in a block shared by its clones (Stream::Clone, a snapshot's copy):
// the block starts with a reference count, and a node that is about to change bytes others
// may see gets a block of its own first (Reserve).
constexpr size_t kBlockHeader = 8;

uint32_t& Refs(char* buf) { return *reinterpret_cast<uint32_t*>(buf - kBlockHeader); }

}  // namespace

Node::Node(StreamId first_id, std::span<const std::string_view> fv) : master_(first_id) {
  RILL_DCHECK(!fv.empty() && fv.size() % 2 == 0);
  const size_t n = fv.size() / 2;
  size_t need = VarintLength(n);
  for (size_t i = 0; i < fv.size(); i += 2) {
    need += StringSize(fv[i]);
  }
  Reserve(need + EncodedSize(first_id, fv) + 16);
  char* p = PutVarint(buf_, n);
  for (size_t i = 0; i < fv.size(); i += 2) {
    p = PutString(p, fv[i]);
  }
  size_ = master_bytes_ = static_cast<uint32_t>(p - buf_);
  last_ = first_id;
}

Node::~Node() { Release(); }

void Node::Release() {
  if (buf_ != nullptr && --Refs(buf_) == 0) {
    free(buf_ - kBlockHeader);
  }
  buf_ = nullptr;
}

Node::Node(Node&& other) noexcept { *this = std::move(other); }

Node& Node::operator=(Node&& other) noexcept {
  if (this != &other) {
    Release();
    buf_ = std::exchange(other.buf_, nullptr);
    size_ = std::exchange(other.size_, 0);
    cap_ = std::exchange(other.cap_, 0);
    count_ = other.count_;
    deleted_ = other.deleted_;
    master_bytes_ = other.master_bytes_;
    master_ = other.master_;
    last_ = other.last_;
  }
  return *this;
}

Node Node::Clone() const {
  Node n;
  n.buf_ = buf_;
  if (buf_ != nullptr) {
    Refs(buf_)++;
  }
  n.cap_ = cap_;
  n.size_ = size_;
  n.count_ = count_;
  n.deleted_ = deleted_;
  n.master_bytes_ = master_bytes_;
  n.master_ = master_;
  n.last_ = last_;
  return n;
}

bool Node::shared() const { return buf_ != nullptr && Refs(buf_) > 1; }

void Node::Reserve(size_t need) {
  const bool is_shared = shared();
  if (need <= cap_ && !is_shared) {
    return;
  }
  char* block;
  if (is_shared) {
    // Copy on write: the others keep the old block.
    block = static_cast<char*>(malloc(kBlockHeader + std::max<size_t>(need, size_)));
    RILL_CHECK(block != nullptr);
    memcpy(block + kBlockHeader, buf_, size_);
    Refs(buf_)--;
  } else {
    const size_t want = std::max(need, static_cast<size_t>(cap_) * 2);
    block = static_cast<char*>(
        realloc(buf_ != nullptr ? buf_ - kBlockHeader : nullptr, kBlockHeader + want));
    RILL_CHECK(block != nullptr);
  }
  buf_ = block + kBlockHeader;
  Refs(buf_) = 1;
  // The allocator rounds up to a size class; use all of it.
  cap_ = static_cast<uint32_t>(malloc_usable_size(block) - kBlockHeader);
}

void Node::ShrinkToFit() {
  if (buf_ != nullptr && cap_ > size_ && !shared()) {
    char* block = static_cast<char*>(realloc(buf_ - kBlockHeader, kBlockHeader + size_));
    RILL_CHECK(block != nullptr);
    buf_ = block + kBlockHeader;
    cap_ = static_cast<uint32_t>(malloc_usable_size(block) - kBlockHeader);
  }
}

bool Node::SameFieldsAsMaster(std::span<const std::string_view> fv) const {
  const char* p = buf_;
  const char* end = buf_ + master_bytes_;
  uint64_t n = 0;
  p = GetVarint(p, end, &n);
  if (p == nullptr || n * 2 != fv.size()) {
    return false;
  }
  for (size_t i = 0; i < fv.size(); i += 2) {
    std::string_view name;
    p = GetString(p, end, &name);
    if (p == nullptr || name != fv[i]) {
      return false;
    }
  }
  return true;
}

size_t Node::EncodedSize(StreamId id, std::span<const std::string_view> fv) const {
  return EncodedSize(id, fv, master_bytes_ == 0 || SameFieldsAsMaster(fv));
}

size_t Node::EncodedSize(StreamId id, std::span<const std::string_view> fv, bool same) const {
  size_t extra = 0;
  CodeFor(last_, id, count_ == 0, &extra);
  size_t size = 1 + extra;
  if (!same) {
    size += VarintLength(fv.size() / 2);
  }
  for (size_t i = 0; i < fv.size(); i += 2) {
    if (!same) {
      size += StringSize(fv[i]);
    }
    size += StringSize(fv[i + 1]);
  }
  return size;
}

char* Node::AppendBody(char* p, std::span<const std::string_view> fv, bool same) const {
  if (!same) {
    p = PutVarint(p, fv.size() / 2);
  }
  for (size_t i = 0; i < fv.size(); i += 2) {
    if (!same) {
      p = PutString(p, fv[i]);
    }
    p = PutString(p, fv[i + 1]);
  }
  return p;
}

void Node::Append(StreamId id, std::span<const std::string_view> fv) {
  RILL_DCHECK(count_ == 0 ? id == master_ : id > last_);
  const bool same = SameFieldsAsMaster(fv);
  Reserve(size_ + EncodedSize(id, fv, same));
  size_t extra = 0;
  const IdCode code = CodeFor(last_, id, count_ == 0, &extra);
  char* p = buf_ + size_;
  *p++ = static_cast<char>((same ? kSameFields : 0) | (code << kIdShift));
  if (code == kSeqDelta) {
    p = PutVarint(p, id.seq - last_.seq);
  } else if (code == kMsDelta) {
    p = PutVarint(p, id.ms - last_.ms);
    p = PutVarint(p, id.seq);
  }
  p = AppendBody(p, fv, same);
  size_ = static_cast<uint32_t>(p - buf_);
  count_++;
  last_ = id;
}

bool Node::MarkDeleted(uint32_t offset) {
  RILL_DCHECK(offset >= master_bytes_ && offset < size_);
  Reserve(size_);  // a block of its own: a clone must not see the tombstone
  auto& flags = reinterpret_cast<uint8_t&>(buf_[offset]);
  if ((flags & kDeleted) != 0) {
    return false;
  }
  flags |= kDeleted;
  deleted_++;
  return true;
}

Result<Node> Node::FromBytes(StreamId master_id, std::string_view bytes) {
  Node n;
  n.master_ = master_id;
  n.last_ = master_id;
  if (bytes.empty() || bytes.size() > UINT32_MAX) {
    return Status(ErrorCode::kErr, "stream node: bad size");
  }
  n.Reserve(bytes.size());
  memcpy(n.buf_, bytes.data(), bytes.size());
  n.size_ = static_cast<uint32_t>(bytes.size());
  // The master block: a field count and that many names.
  const char* p = n.buf_;
  const char* end = n.buf_ + n.size_;
  uint64_t fields = 0;
  p = GetVarint(p, end, &fields);
  if (p == nullptr || fields == 0 || fields > n.size_) {
    return Status(ErrorCode::kErr, "stream node: bad master fields");
  }
  for (uint64_t i = 0; i < fields; i++) {
    std::string_view name;
    p = GetString(p, end, &name);
    if (p == nullptr) {
      return Status(ErrorCode::kErr, "stream node: bad master fields");
    }
  }
  n.master_bytes_ = static_cast<uint32_t>(p - n.buf_);
  n.count_ = 1;  // lets the cursor run; recounted below
  Cursor c(n);
  Entry e;
  uint32_t count = 0;
  uint32_t deleted = 0;
  StreamId last = master_id;
  while (c.Next(&e)) {
    if (count > 0 && e.id <= last) {
      return Status(ErrorCode::kErr, "stream node: ids out of order");
    }
    last = e.id;
    count++;
    deleted += e.deleted ? 1 : 0;
  }
  if (c.corrupt() || count == 0) {
    return Status(ErrorCode::kErr, "stream node: corrupt entry");
  }
  n.count_ = count;
  n.deleted_ = deleted;
  n.last_ = last;
  return n;
}

// --- Cursor ---

Node::Cursor::Cursor(const Node& node)
    : base_(node.buf_),
      p_(node.buf_ + node.master_bytes_),
      end_(node.buf_ + node.size_),
      prev_(node.master_) {
  const char* p = node.buf_;
  const char* mend = p + node.master_bytes_;
  uint64_t n = 0;
  p = node.count_ == 0 ? nullptr : GetVarint(p, mend, &n);
  if (p == nullptr) {
    p_ = end_;
    return;
  }
  master_.reserve(n);
  for (uint64_t i = 0; i < n && p != nullptr; i++) {
    std::string_view name;
    p = GetString(p, mend, &name);
    master_.push_back(name);
  }
  if (p == nullptr) {
    Fail();
  }
}

bool Node::Cursor::Fail() {
  corrupt_ = true;
  p_ = end_;
  return false;
}

bool Node::Cursor::Next(Entry* e) {
  if (p_ >= end_) {
    return false;
  }
  e->offset = static_cast<uint32_t>(p_ - base_);
  const auto flags = static_cast<uint8_t>(*p_++);
  if ((flags & ~uint8_t{0x0f}) != 0) {
    return Fail();
  }
  e->deleted = (flags & kDeleted) != 0;
  const auto code = static_cast<IdCode>((flags >> kIdShift) & 3);
  StreamId id = prev_;
  uint64_t a = 0;
  uint64_t b = 0;
  switch (code) {
    case kNextSeq:
      if (first_ || prev_.seq == UINT64_MAX) {
        return Fail();
      }
      id.seq++;
      break;
    case kSeqDelta:
      p_ = GetVarint(p_, end_, &a);
      if (p_ == nullptr || first_ || a == 0 || a > UINT64_MAX - prev_.seq) {
        return Fail();
      }
      id.seq += a;
      break;
    case kMsDelta:
      p_ = GetVarint(p_, end_, &a);
      p_ = p_ == nullptr ? nullptr : GetVarint(p_, end_, &b);
      if (p_ == nullptr || first_ || a == 0 || a > UINT64_MAX - prev_.ms) {
        return Fail();
      }
      id.ms += a;
      id.seq = b;
      break;
    case kSameId:
      if (!first_) {
        return Fail();
      }
      break;
  }
  first_ = false;
  e->id = prev_ = id;
  // fv is sized once and filled in place, its capacity kept from entry to entry.
  if ((flags & kSameFields) != 0) {
    e->fv.resize(2 * master_.size());
    std::string_view* out = e->fv.data();
    for (const std::string_view name : master_) {
      *out++ = name;
      p_ = GetString(p_, end_, out++);
      if (p_ == nullptr) {
        return Fail();
      }
    }
    return true;
  }
  uint64_t n = 0;
  p_ = GetVarint(p_, end_, &n);
  // Each name and value takes at least its length byte: a corrupt count cannot size fv
  // beyond the node's bytes.
  if (p_ == nullptr || n == 0 || n > static_cast<uint64_t>(end_ - p_) / 2) {
    return Fail();
  }
  e->fv.resize(2 * n);
  for (std::string_view& s : e->fv) {
    p_ = GetString(p_, end_, &s);
    if (p_ == nullptr) {
      return Fail();
    }
  }
  return true;
}

}  // namespace rill::stream
