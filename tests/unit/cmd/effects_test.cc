// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// The effects journal (shard/journal.h) through the in-process harness.
//
// Two kinds of test. Exact expectations: the effect text each write command records, one
// effect per line. And a seeded round trip: thousands of random commands on a few colliding
// keys, groups and databases while the clock moves (with blocked XREADGROUPs on two more
// clients, served by the main client's writes), and at checkpoints the journal so far is
// replayed into a second server the way start-up loads it (loading: nothing expires). The
// journal's contract is that replaying it on the state before gives the state after, so
// both servers must then dump the same: every key of every database with its type, expiry
// and value, stream metadata, groups, PELs and consumers' pending counts (not their seen
// and active times, which a replay legitimately sets to its own clock). Keys that expired
// but were not deleted yet are listed too: the replay still meets them, so they must match.
//
// When the round trip finds a difference it runs the same seed again, replaying and
// comparing after every operation, and reports the first operation whose effects do not
// reproduce it: the commands, their effects and the first differing line of the dumps.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <functional>
#include <initializer_list>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "net/resp_parser.h"
#include "shard/journal.h"
#include "shard/keyspace.h"
#include "tests/support/command_harness.h"

namespace rill::test {
namespace {

using Command = std::vector<std::string>;

// --- Journal bytes ---

// The commands in journal bytes. REQUIRES: bytes are whole RESP multibulk requests.
std::vector<Command> ParseCommands(std::string_view bytes) {
  std::vector<Command> out;
  net::RespParser parser;
  std::vector<std::string_view> args;
  size_t offset = 0;
  while (offset < bytes.size()) {
    size_t consumed = 0;
    const net::RespParser::State st = parser.Parse(bytes.data() + offset, bytes.size() - offset,
                                                   net::ParserLimits{}, &args, &consumed);
    if (st != net::RespParser::State::kComplete) {
      ADD_FAILURE() << "journal bytes do not parse at offset " << offset;
      break;
    }
    out.emplace_back(args.begin(), args.end());
    offset += consumed;
  }
  return out;
}

std::string Join(const Command& c) {
  std::string s;
  for (const std::string& a : c) {
    s += (s.empty() ? "" : " ") + a;
  }
  return s;
}

// One effect per line, arguments joined by spaces.
std::string RenderEffects(std::string_view bytes) {
  std::string s;
  for (const Command& c : ParseCommands(bytes)) {
    s += (s.empty() ? "" : "\n") + Join(c);
  }
  return s;
}

// --- Replies ---

// A parsed RESP reply: type is the RESP prefix ('+', '-', ':', '$', '*', ...); nulls are '_'.
struct Reply {
  char type = '_';
  std::string text;
  std::vector<Reply> items;
};

// Parses the reply at in[*pos] and moves *pos past it; false if it is cut short.
bool ParseReply(std::string_view in, size_t* pos, Reply* out) {
  const size_t cr = in.find("\r\n", *pos);
  if (*pos >= in.size() || cr == std::string_view::npos) {
    return false;
  }
  out->type = in[*pos];
  const std::string line(in.substr(*pos + 1, cr - *pos - 1));
  *pos = cr + 2;
  switch (out->type) {
    case '$':
    case '=': {
      const long long n = strtoll(line.c_str(), nullptr, 10);
      if (n < 0) {
        out->type = '_';
        return true;
      }
      if (*pos + static_cast<size_t>(n) + 2 > in.size()) {
        return false;
      }
      out->text = std::string(in.substr(*pos, static_cast<size_t>(n)));
      *pos += static_cast<size_t>(n) + 2;
      return true;
    }
    case '*':
    case '~':
    case '>':
    case '%': {
      long long n = strtoll(line.c_str(), nullptr, 10);
      if (n < 0) {
        out->type = '_';
        return true;
      }
      n *= out->type == '%' ? 2 : 1;
      out->type = '*';
      out->items.resize(static_cast<size_t>(n));
      for (Reply& r : out->items) {
        if (!ParseReply(in, pos, &r)) {
          return false;
        }
      }
      return true;
    }
    default:
      out->text = line;
      return true;
  }
}

// Every reply in `in` (a pipeline's output may hold several).
std::vector<Reply> ParseReplies(std::string_view in) {
  std::vector<Reply> out;
  size_t pos = 0;
  while (pos < in.size()) {
    Reply r;
    if (!ParseReply(in, &pos, &r)) {
      r.type = '-';
      r.text = "unparsable reply: " + std::string(in);
      out.push_back(std::move(r));
      break;
    }
    out.push_back(std::move(r));
  }
  return out;
}

bool HasError(const Reply& r) {
  return r.type == '-' || std::any_of(r.items.begin(), r.items.end(), HasError);
}

std::string Quote(std::string_view s) {
  std::string q = "\"";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
      char buf[8];
      snprintf(buf, sizeof(buf), "\\x%02x", c);
      q += buf;
    } else {
      q += ch;
    }
  }
  return q + "\"";
}

std::string Render(const Reply& r) {
  switch (r.type) {
    case '_':
      return "nil";
    case '$':
      return Quote(r.text);
    case '*': {
      std::string s = "[";
      for (const Reply& item : r.items) {
        s += (s.size() > 1 ? ", " : "") + Render(item);
      }
      return s + "]";
    }
    default:
      return std::string(1, r.type) + r.text;
  }
}

// The value after `name` in a flat [name, value, ...] reply (a RESP2 map); nil when absent.
Reply Field(const Reply& map, std::string_view name) {
  for (size_t i = 0; i + 1 < map.items.size(); i += 2) {
    if (map.items[i].text == name) {
      return map.items[i + 1];
    }
  }
  return Reply{};
}

Reply RunReply(CommandHarness& h, const Command& c) {
  std::vector<Reply> replies = ParseReplies(h.Run(c));
  return replies.empty() ? Reply{} : std::move(replies.front());
}

// --- Canonical dump ---

void DumpStream(CommandHarness& h, const std::string& prefix, const std::string& key,
                std::vector<std::string>* lines) {
  lines->push_back(prefix + " xrange " + Render(RunReply(h, {"XRANGE", key, "-", "+"})));
  const Reply info = RunReply(h, {"XINFO", "STREAM", key});
  std::string line = prefix + " info";
  for (const char* f : {"length", "last-generated-id", "max-deleted-entry-id", "entries-added",
                        "recorded-first-entry-id"}) {
    line += std::string(" ") + f + "=" + Render(Field(info, f));
  }
  lines->push_back(line);
  const Reply groups = RunReply(h, {"XINFO", "GROUPS", key});
  lines->push_back(prefix + " groups " + Render(groups));
  for (const Reply& g : groups.items) {
    const std::string name = Field(g, "name").text;
    const std::string gp = prefix + " group " + name;
    lines->push_back(gp + " pending " +
                     Render(RunReply(h, {"XPENDING", key, name, "-", "+", "1000000"})));
    // Only name and pending: seen and active times legitimately differ after a replay.
    std::string consumers = gp + " consumers";
    for (const Reply& c : RunReply(h, {"XINFO", "CONSUMERS", key, name}).items) {
      consumers += " " + Field(c, "name").text + ":" + Render(Field(c, "pending"));
    }
    lines->push_back(consumers);
  }
}

// The keys of one database, sorted, each with whether it has expired. KEYS would hide the
// expired ones that no command has deleted yet, but a replay (which expires nothing while
// loading) still meets them, so they must match too.
std::vector<std::pair<std::string, bool>> KeysOf(CommandHarness& h, int db) {
  std::vector<std::pair<std::string, bool>> keys;
  const int64_t now = h.clock().NowMs();
  uint64_t cursor = 0;
  do {
    cursor = h.shard().keyspace().db(db).Scan(cursor, 1024, [&](shard::Entry& e) {
      keys.emplace_back(e.key, e.expire_at_ms != shard::kNoExpire && e.expire_at_ms <= now);
    });
  } while (cursor != 0);
  std::sort(keys.begin(), keys.end());
  return keys;
}

// Every database's keys with type, expiry and value (expired keys: name only). Touches only
// live keys, so it expires nothing and journals nothing; the client's database is restored.
std::vector<std::string> Dump(CommandHarness& h) {
  std::vector<std::string> lines;
  const int selected = h.client(0).db;
  for (int db = 0; db < 16; db++) {
    h.Run({"SELECT", std::to_string(db)});
    for (const auto& [key, expired] : KeysOf(h, db)) {
      const std::string prefix = "db " + std::to_string(db) + " key " + Quote(key);
      if (expired) {
        lines.push_back(prefix + " expired, not yet deleted");
        continue;
      }
      const std::string type = RunReply(h, {"TYPE", key}).text;
      lines.push_back(prefix + " type " + type + " pexpiretime " +
                      RunReply(h, {"PEXPIRETIME", key}).text);
      if (type == "string") {
        lines.push_back(prefix + " get " + Render(RunReply(h, {"GET", key})));
      } else if (type == "stream") {
        DumpStream(h, prefix, key, &lines);
      }
    }
  }
  h.Run({"SELECT", std::to_string(selected)});
  return lines;
}

// The first line where two dumps differ, or "" when they are equal.
std::string FirstDifference(const std::vector<std::string>& original,
                            const std::vector<std::string>& replayed) {
  for (size_t i = 0; i < std::max(original.size(), replayed.size()); i++) {
    const std::string a = i < original.size() ? original[i] : "<none>";
    const std::string b = i < replayed.size() ? replayed[i] : "<none>";
    if (a != b) {
      return "line " + std::to_string(i) + "\n  original: " + a + "\n  replayed: " + b;
    }
  }
  return "";
}

// Replays a batch the way start-up loads the journal: nothing expires while loading.
// Returns each replayed command that answered an error, with its reply.
std::vector<std::string> Replay(CommandHarness& r, const shard::Journal::Batch& b) {
  std::vector<std::string> errors;
  if (b.bytes.empty()) {
    return errors;
  }
  r.shard().keyspace().set_loading(true);
  r.Run({"SELECT", std::to_string(b.first_db)});
  for (const Command& c : ParseCommands(b.bytes)) {
    const std::string reply = r.Run(c);
    const std::vector<Reply> replies = ParseReplies(reply);
    if (std::any_of(replies.begin(), replies.end(), HasError)) {
      errors.push_back(Join(c) + " -> " + reply);
    }
  }
  r.shard().keyspace().set_loading(false);
  return errors;
}

// --- Exact effects ---

class EffectsTest : public ::testing::Test {
 protected:
  explicit EffectsTest(const std::string& conf = "") : h_(conf) {
    h_.shard().journal().set_enabled(true);
  }

  // Runs c and returns the effects it recorded, one per line.
  std::string Effects(const Command& c) {
    h_.Run(c);
    return RenderEffects(h_.shard().journal().Take().bytes);
  }
  // Runs commands whose effects the test does not look at.
  void Setup(const std::vector<Command>& commands) {
    for (const Command& c : commands) {
      h_.Run(c);
    }
    h_.shard().journal().Take();
  }

  CommandHarness h_;
};

TEST_F(EffectsTest, XaddStarGetsExplicitId) {
  EXPECT_EQ(Effects({"XADD", "s", "*", "f", "v"}), "XADD s 1700000000000-0 f v");
  EXPECT_EQ(Effects({"XADD", "s", "1700000000001-*", "a", "b", "c", "d"}),
            "XADD s 1700000000001-0 a b c d");
  EXPECT_EQ(Effects({"XADD", "s", "NOMKSTREAM", "*", "f", "v"}), "XADD s 1700000000001-1 f v");
  EXPECT_EQ(Effects({"XADD", "s", "5-*", "f", "v"}), "");  // not above the top item
  EXPECT_EQ(Effects({"XADD", "missing", "NOMKSTREAM", "*", "f", "v"}), "");
}

class EffectsSmallNodesTest : public EffectsTest {
 protected:
  EffectsSmallNodesTest() : EffectsTest("stream-node-max-entries 2\n") {}
};

TEST_F(EffectsSmallNodesTest, XaddThatTrimsRecordsExactMaxlen) {
  Setup({{"XADD", "s", "1-0", "f", "v"},
         {"XADD", "s", "2-0", "f", "v"},
         {"XADD", "s", "3-0", "f", "v"},
         {"XADD", "s", "4-0", "f", "v"},
         {"XADD", "s", "5-0", "f", "v"}});
  // Nodes [1 2] [3 4] [5 6]: "~ 3" drops the first node only, leaving 4 entries.
  EXPECT_EQ(Effects({"XADD", "s", "MAXLEN", "~", "3", "6-0", "f", "v"}),
            "XADD s MAXLEN = 4 6-0 f v");
  EXPECT_EQ(Effects({"XADD", "s", "MAXLEN", "~", "3", "7-0", "f", "v"}),
            "XADD s MAXLEN = 3 7-0 f v");
  EXPECT_EQ(Effects({"XADD", "s", "MAXLEN", "10", "8-0", "f", "v"}), "XADD s 8-0 f v");
  EXPECT_EQ(Effects({"XADD", "s", "MINID", "7", "9-0", "f", "v"}), "XADD s MAXLEN = 3 9-0 f v");
  EXPECT_EQ(h_.Run({"XLEN", "s"}), ":3\r\n");
}

TEST_F(EffectsTest, XtrimRecordsExactMaxlen) {
  for (int i = 1; i <= 5; i++) {
    Setup({{"XADD", "s", std::to_string(i) + "-0", "f", "v"}});
  }
  EXPECT_EQ(Effects({"XTRIM", "s", "MINID", "3"}), "XTRIM s MAXLEN = 3");
  EXPECT_EQ(Effects({"XTRIM", "s", "MAXLEN", "~", "1"}), "");  // one node: nothing to drop
  EXPECT_EQ(Effects({"XTRIM", "s", "MAXLEN", "=", "2"}), "XTRIM s MAXLEN = 2");
  EXPECT_EQ(Effects({"XTRIM", "s", "MAXLEN", "5"}), "");
  EXPECT_EQ(Effects({"XTRIM", "missing", "MAXLEN", "0"}), "");
}

TEST_F(EffectsTest, ExpireFamilyBecomesPexpireatOrDel) {
  Setup({{"SET", "k", "v"}, {"SET", "k2", "v"}});
  EXPECT_EQ(Effects({"EXPIRE", "k", "10"}), "PEXPIREAT k 1700000010000");
  EXPECT_EQ(Effects({"PEXPIRE", "k", "2500"}), "PEXPIREAT k 1700000002500");
  EXPECT_EQ(Effects({"EXPIREAT", "k", "1800000000"}), "PEXPIREAT k 1800000000000");
  EXPECT_EQ(Effects({"PEXPIREAT", "k", "1800000000001"}), "PEXPIREAT k 1800000000001");
  EXPECT_EQ(Effects({"EXPIRE", "k", "100", "GT"}), "");  // not later than the current TTL
  EXPECT_EQ(Effects({"EXPIRE", "k", "-1"}), "DEL k");    // a time in the past deletes
  EXPECT_EQ(Effects({"EXPIREAT", "k2", "1"}), "DEL k2");
  EXPECT_EQ(Effects({"EXPIRE", "missing", "10"}), "");
}

TEST_F(EffectsTest, SetWithExpiryBecomesSetPxat) {
  EXPECT_EQ(Effects({"SET", "k", "v", "EX", "10"}), "SET k v PXAT 1700000010000");
  EXPECT_EQ(Effects({"SET", "k", "v", "PX", "1500"}), "SET k v PXAT 1700000001500");
  EXPECT_EQ(Effects({"SET", "k", "v", "EXAT", "1800000000"}), "SET k v PXAT 1800000000000");
  EXPECT_EQ(Effects({"SET", "k", "v2", "KEEPTTL"}), "SET k v2 KEEPTTL");
  EXPECT_EQ(Effects({"SET", "k", "v3", "XX", "GET"}), "SET k v3");
  EXPECT_EQ(Effects({"SETEX", "k", "5", "v"}), "SET k v PXAT 1700000005000");
  EXPECT_EQ(Effects({"PSETEX", "k", "5", "v"}), "SET k v PXAT 1700000000005");
  EXPECT_EQ(h_.Run({"PEXPIRETIME", "k"}), ":1700000000005\r\n");
}

TEST_F(EffectsTest, GetexAndGetdel) {
  Setup({{"SET", "k", "v"}});
  EXPECT_EQ(Effects({"GETEX", "k", "EX", "5"}), "PEXPIREAT k 1700000005000");
  EXPECT_EQ(Effects({"GETEX", "k", "PXAT", "1800000000000"}), "PEXPIREAT k 1800000000000");
  EXPECT_EQ(Effects({"GETEX", "k", "PERSIST"}), "PERSIST k");
  EXPECT_EQ(Effects({"GETEX", "k", "PERSIST"}), "");  // no TTL left to remove
  EXPECT_EQ(Effects({"GETEX", "k"}), "");
  EXPECT_EQ(Effects({"GETDEL", "k"}), "DEL k");
  EXPECT_EQ(Effects({"GETDEL", "k"}), "");
}

TEST_F(EffectsTest, IncrbyfloatBecomesSetKeepttl) {
  Setup({{"SET", "n", "10", "EX", "100"}});
  EXPECT_EQ(Effects({"INCRBYFLOAT", "n", "0.5"}), "SET n 10.5 KEEPTTL");
  EXPECT_EQ(Effects({"INCRBYFLOAT", "m", "3"}), "SET m 3 KEEPTTL");
  EXPECT_EQ(Effects({"INCRBY", "c", "5"}), "INCRBY c 5");  // deterministic: its own effect
  EXPECT_EQ(h_.Run({"PEXPIRETIME", "n"}), ":1700000100000\r\n");
}

TEST_F(EffectsTest, XreadgroupDeliveriesBecomeXclaimAndSetid) {
  Setup({{"XADD", "s", "1-0", "f", "a"}, {"XADD", "s", "2-0", "f", "b"}});
  EXPECT_EQ(Effects({"XGROUP", "CREATE", "s", "g", "0"}), "XGROUP CREATE s g 0");
  EXPECT_EQ(Effects({"XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">"}),
            "MULTI\n"
            "XGROUP CREATECONSUMER s g alice\n"
            "XCLAIM s g alice 0 1-0 TIME 1700000000000 RETRYCOUNT 1 FORCE JUSTID LASTID 2-0\n"
            "XCLAIM s g alice 0 2-0 TIME 1700000000000 RETRYCOUNT 1 FORCE JUSTID LASTID 2-0\n"
            "XGROUP SETID s g 2-0 ENTRIESREAD 2\n"
            "EXEC");
  h_.clock().AdvanceMs(100);
  Setup({{"XADD", "s", "3-0", "f", "c"}});
  // NOACK: the group moves on, nothing enters the PEL.
  EXPECT_EQ(Effects({"XREADGROUP", "GROUP", "g", "bob", "NOACK", "STREAMS", "s", ">"}),
            "MULTI\n"
            "XGROUP CREATECONSUMER s g bob\n"
            "XGROUP SETID s g 3-0 ENTRIESREAD 3\n"
            "EXEC");
  // History: a redelivery with its new time and count, the group's position unchanged.
  EXPECT_EQ(Effects({"XREADGROUP", "GROUP", "g", "alice", "COUNT", "1", "STREAMS", "s", "0"}),
            "XCLAIM s g alice 0 1-0 TIME 1700000000100 RETRYCOUNT 2 FORCE JUSTID LASTID 3-0");
  EXPECT_EQ(Effects({"XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">"}), "");
  EXPECT_EQ(Effects({"XREADGROUP", "GROUP", "g", "carol", "STREAMS", "s", ">"}),
            "XGROUP CREATECONSUMER s g carol");
}

TEST_F(EffectsTest, XclaimAndXautoclaimOfDeletedEntryBecomeXack) {
  Setup({{"XADD", "s", "1-0", "f", "a"},
         {"XADD", "s", "2-0", "f", "b"},
         {"XADD", "s", "3-0", "f", "c"},
         {"XGROUP", "CREATE", "s", "g", "0"},
         {"XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">"}});
  h_.clock().AdvanceMs(1000);
  EXPECT_EQ(Effects({"XDEL", "s", "2-0"}), "XDEL s 2-0");
  EXPECT_EQ(Effects({"XCLAIM", "s", "g", "bob", "500", "1-0", "2-0"}),
            "MULTI\n"
            "XCLAIM s g bob 0 1-0 TIME 1700000001000 RETRYCOUNT 2 FORCE JUSTID LASTID 3-0\n"
            "XACK s g 2-0\n"
            "EXEC");
  EXPECT_EQ(Effects({"XCLAIM", "s", "g", "bob", "0", "1-0", "JUSTID", "RETRYCOUNT", "7", "TIME",
                     "1700000000500"}),
            "XCLAIM s g bob 0 1-0 TIME 1700000000500 RETRYCOUNT 7 FORCE JUSTID LASTID 3-0");
  EXPECT_EQ(Effects({"XCLAIM", "s", "g", "bob", "0", "9-0"}), "");  // neither entry nor PEL
  EXPECT_EQ(Effects({"XDEL", "s", "3-0"}), "XDEL s 3-0");
  h_.clock().AdvanceMs(1000);
  EXPECT_EQ(Effects({"XAUTOCLAIM", "s", "g", "carol", "0", "0"}),
            "MULTI\n"
            "XCLAIM s g carol 0 1-0 TIME 1700000002000 RETRYCOUNT 8 FORCE JUSTID LASTID 3-0\n"
            "XACK s g 3-0\n"
            "EXEC");
  // LASTID that moves the group but claims nothing: the position alone.
  EXPECT_EQ(Effects({"XCLAIM", "s", "g", "bob", "0", "9-0", "LASTID", "3-5"}),
            "XGROUP SETID s g 3-5 ENTRIESREAD 3");
}

TEST_F(EffectsTest, FailedAndNoopCommandsJournalNothing) {
  Setup({{"SET", "k", "v"}, {"XADD", "s", "1-0", "f", "v"}, {"XGROUP", "CREATE", "s", "g", "0"}});
  EXPECT_EQ(Effects({"SET", "k", "w", "NX"}), "");
  EXPECT_EQ(Effects({"SETNX", "k", "w"}), "");
  EXPECT_EQ(Effects({"DEL", "missing"}), "");
  EXPECT_EQ(Effects({"XACK", "s", "g", "1-0"}), "");     // delivered to nobody
  EXPECT_EQ(Effects({"SET", "k", "v", "FOO"}), "");      // syntax error
  EXPECT_EQ(Effects({"INCR", "k"}), "");                 // not an integer
  EXPECT_EQ(Effects({"XADD", "k", "*", "f", "v"}), "");  // wrong type
  EXPECT_EQ(Effects({"EXPIRE", "k", "abc"}), "");
  EXPECT_EQ(Effects({"PERSIST", "k"}), "");
  EXPECT_EQ(Effects({"XGROUP", "CREATE", "s", "g", "0"}), "");  // BUSYGROUP
  EXPECT_EQ(Effects({"RENAME", "missing", "x"}), "");
  EXPECT_EQ(Effects({"GET", "k"}), "");
  EXPECT_EQ(Effects({"NOSUCHCOMMAND", "k"}), "");
}

TEST_F(EffectsTest, LazyExpiryJournalsDel) {
  Setup({{"SET", "k", "v", "PX", "100"}, {"SET", "k2", "v", "PX", "100"}});
  h_.clock().AdvanceMs(200);
  EXPECT_EQ(Effects({"GET", "k"}), "DEL k");
  EXPECT_EQ(Effects({"SET", "k2", "x", "NX"}),
            "MULTI\n"
            "DEL k2\n"
            "SET k2 x\n"
            "EXEC");
}

TEST_F(EffectsTest, MultiExecWithSeveralWritesIsWrapped) {
  Setup({{"MULTI"}, {"SET", "a", "1"}, {"INCR", "a"}, {"GET", "a"}});
  EXPECT_EQ(Effects({"EXEC"}),
            "MULTI\n"
            "SET a 1\n"
            "INCR a\n"
            "EXEC");
  Setup({{"MULTI"}, {"SET", "b", "1"}, {"GET", "b"}});
  EXPECT_EQ(Effects({"EXEC"}), "SET b 1");  // one effect needs no wrapping
  Setup({{"MULTI"}, {"GET", "a"}});
  EXPECT_EQ(Effects({"EXEC"}), "");
}

TEST_F(EffectsTest, DatabaseChangeWithinBatchWritesSelect) {
  h_.Run({"SET", "a", "1"});
  h_.Run({"SELECT", "3"});
  h_.Run({"SET", "b", "2"});
  shard::Journal::Batch b = h_.shard().journal().Take();
  EXPECT_EQ(b.first_db, 0);
  EXPECT_EQ(RenderEffects(b.bytes), "SET a 1\nSELECT 3\nSET b 2");
  h_.Run({"SET", "c", "3"});
  b = h_.shard().journal().Take();
  EXPECT_EQ(b.first_db, 3);  // the sink, not the batch, selects the first database
  EXPECT_EQ(RenderEffects(b.bytes), "SET c 3");
}

// SWAPDB wakes readers blocked on keys that exist in either database after the swap; a key
// it finds expired there is deleted and journalled as DEL. That DEL must replay against the
// same data it deleted.
TEST(EffectsReplayTest, SwapdbThatExpiresAKeyOfABlockedReaderReplaysToTheSameData) {
  CommandHarness h;
  h.shard().journal().set_enabled(true);
  const size_t reader = h.NewClient();
  h.Run({"XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"});  // db 0: a live stream
  EXPECT_EQ(h.Run({"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">"}, reader),
            "");
  h.Run({"SELECT", "1"});
  h.Run({"SET", "s", "x", "PX", "100"});  // db 1: a key of the same name that will expire
  h.clock().AdvanceMs(200);
  h.Run({"SWAPDB", "0", "1"});
  const shard::Journal::Batch b = h.shard().journal().Take();
  CommandHarness r;
  r.clock().SetMs(h.clock().NowMs());
  const std::vector<std::string> errors = Replay(r, b);
  EXPECT_TRUE(errors.empty()) << errors.front();
  // The swap moved the live stream to db 1; the expired string, now in db 0, was deleted.
  EXPECT_EQ(FirstDifference(Dump(h), Dump(r)), "") << "effects:\n" << RenderEffects(b.bytes);
  EXPECT_EQ(h.Run({"TYPE", "s"}), "+stream\r\n");  // client 0 is in db 1
}

// --- Seeded round trip ---

// One step of the random workload: commands (several for a MULTI block) from one client,
// or an active expiry cycle. Clients 1 and 2 only park blocking XREADGROUPs, which the
// main client's writes later serve (a re-run with its own effects, in its own database).
struct Op {
  bool active_expire = false;
  size_t client = 0;
  std::vector<Command> commands;
};

constexpr size_t kBlockingClients = 2;

// Random commands over a few colliding keys, groups, consumers and databases. Mostly
// well-formed, so most of them change something; failures (wrong type, missing group,
// ids not above the top) are part of the mix.
class OpGenerator {
 public:
  explicit OpGenerator(uint64_t seed) : rng_(seed) {}

  int64_t NextAdvance() {
    const int r = Uniform(100);
    return r < 70 ? Uniform(50) : r < 95 ? Uniform(1000) : Uniform(5000);
  }

  Op Next(int64_t now_ms) {
    now_ms_ = now_ms;
    Op op;
    const int r = Uniform(100);
    if (r < 1) {
      op.active_expire = true;
    } else if (r < 6) {
      op.client = 1 + static_cast<size_t>(Uniform(kBlockingClients));
      if (Chance(30)) {
        op.commands.push_back({"SELECT", Num(3)});
      }
      Command c = {"XREADGROUP", "GROUP", Group(), Consumer()};
      if (Chance(30)) {
        c.insert(c.end(), {"COUNT", std::to_string(1 + Uniform(2))});
      }
      if (Chance(20)) {
        c.push_back("NOACK");
      }
      c.insert(c.end(), {"BLOCK", "0", "STREAMS", StreamKey(), ">"});
      op.commands.push_back(std::move(c));
    } else if (r < 10) {
      if (Chance(30)) {
        op.commands.push_back({"WATCH", AnyKey()});
        op.commands.push_back(AnyCommand());  // may change the key: EXEC then does nothing
      }
      op.commands.push_back({"MULTI"});
      for (int n = 1 + Uniform(4); n > 0; n--) {
        op.commands.push_back(AnyCommand());
      }
      op.commands.push_back({Chance(10) ? "DISCARD" : "EXEC"});
    } else {
      op.commands.push_back(AnyCommand());
    }
    return op;
  }

  // Learns the ids XADD answered, for later XDEL/XCLAIM/XACK/MINID arguments.
  void Observe(const Command& c, const std::string& reply) {
    if (c[0] != "XADD" || reply.empty() || reply[0] != '$' || reply == "$-1\r\n") {
      return;
    }
    const size_t start = reply.find("\r\n") + 2;
    ids_.push_back(reply.substr(start, reply.size() - start - 2));
    if (ids_.size() > 48) {
      ids_.erase(ids_.begin());
    }
  }

 private:
  int Uniform(int n) { return static_cast<int>(rng_() % static_cast<uint64_t>(n)); }
  bool Chance(int percent) { return Uniform(100) < percent; }
  std::string Num(int n) { return std::to_string(Uniform(n)); }
  template <typename T>
  T Pick(std::initializer_list<T> list) {
    return list.begin()[Uniform(static_cast<int>(list.size()))];
  }

  // Keys of one kind usually, of any kind sometimes (WRONGTYPE paths).
  std::string StringKey() { return Chance(4) ? AnyKey() : Pick<std::string>({"a", "b", "c"}); }
  std::string StreamKey() { return Chance(3) ? AnyKey() : Pick<std::string>({"s", "t"}); }
  // For the generic key commands: strings more often, so streams live long enough.
  std::string AnyKey() {
    return Chance(70) ? Pick<std::string>({"a", "b", "c"}) : Pick<std::string>({"s", "t"});
  }
  std::string Db() { return Chance(75) ? "0" : Num(3); }
  std::string Group() { return Pick<std::string>({"g1", "g2"}); }
  std::string Consumer() { return Pick<std::string>({"c1", "c2", "c3"}); }
  std::string Value() { return Pick<std::string>({"1", "17", "-3", "2.5", "x", "hello", ""}); }

  // An id XADD answered (often still in a stream or a PEL), or one made up near now.
  std::string Id() {
    if (!ids_.empty() && Chance(85)) {
      return ids_[static_cast<size_t>(Uniform(static_cast<int>(ids_.size())))];
    }
    const int64_t ms = now_ms_ - Uniform(3000);
    return std::to_string(ms) + "-" + Num(3);
  }

  Command AnyCommand() {
    const int r = Uniform(100);
    if (r < 20) {
      return StringCommand();
    }
    if (r < 34) {
      return KeyCommand();
    }
    if (r < 58) {
      return StreamCommand();
    }
    if (r < 72) {
      return GroupCommand();
    }
    return DeliveryCommand();
  }

  Command SetCommand() {
    Command c = {"SET", StringKey(), Value()};
    if (Chance(20)) {
      c.push_back(Pick<std::string>({"NX", "XX"}));
    }
    if (Chance(15)) {
      c.push_back("GET");
    }
    switch (Uniform(8)) {
      case 0:
        c.insert(c.end(), {"EX", std::to_string(1 + Uniform(3))});
        break;
      case 1:
        c.insert(c.end(), {"PX", std::to_string(1 + Uniform(3000))});
        break;
      case 2:
        c.insert(c.end(), {"PXAT", std::to_string(now_ms_ - 500 + Uniform(4000))});
        break;
      case 3:
        c.push_back("KEEPTTL");
        break;
      default:
        break;
    }
    return c;
  }

  Command GetExCommand() {
    Command c = {"GETEX", StringKey()};
    switch (Uniform(5)) {
      case 0:
        c.insert(c.end(), {"EX", std::to_string(1 + Uniform(3))});
        break;
      case 1:
        c.insert(c.end(), {"PX", std::to_string(1 + Uniform(3000))});
        break;
      case 2:
        c.insert(c.end(), {"EXAT", std::to_string(now_ms_ / 1000 + Uniform(4))});
        break;
      case 3:
        c.push_back("PERSIST");
        break;
      default:
        break;
    }
    return c;
  }

  Command StringCommand() {
    switch (Uniform(18)) {
      case 0:
      case 1:
      case 2:
        return SetCommand();
      case 3:
        return {"INCR", StringKey()};
      case 4:
        return {"INCRBY", StringKey(), std::to_string(Uniform(21) - 10)};
      case 5:
        return {"INCRBYFLOAT", StringKey(), Pick<std::string>({"0.5", "-1.25", "3", "1e2"})};
      case 6:
        return {"APPEND", StringKey(), Value()};
      case 7:
        return {"SETRANGE", StringKey(), Num(6), Value()};
      case 8:
        return GetExCommand();
      case 9:
        return {"GETDEL", StringKey()};
      case 10:
        return {"SETEX", StringKey(), std::to_string(1 + Uniform(3)), Value()};
      case 11:
        return {"MSET", StringKey(), Value(), StringKey(), Value()};
      case 12:
        return {"DECR", StringKey()};
      case 13:
        return {"DECRBY", StringKey(), Num(5)};
      case 14:
        return {"PSETEX", StringKey(), std::to_string(1 + Uniform(3000)), Value()};
      case 15:
        return {"SETNX", StringKey(), Value()};
      case 16:
        return {"MSETNX", StringKey(), Value(), StringKey(), Value()};
      default:
        return {"GET", StringKey()};
    }
  }

  Command ExpireCommand() {
    const std::string key = Chance(50) ? StreamKey() : StringKey();
    Command c;
    switch (Uniform(4)) {
      case 0:
        c = {"EXPIRE", key, std::to_string(Uniform(5) - 1)};
        break;
      case 1:
        c = {"PEXPIRE", key, std::to_string(Uniform(4000) - 200)};
        break;
      case 2:
        c = {"EXPIREAT", key, std::to_string(now_ms_ / 1000 + Uniform(6) - 1)};
        break;
      default:
        c = {"PEXPIREAT", key, std::to_string(now_ms_ + Uniform(5000) - 500)};
        break;
    }
    if (Chance(20)) {
      c.push_back(Pick<std::string>({"NX", "XX", "GT", "LT"}));
    }
    return c;
  }

  Command KeyCommand() {
    switch (Uniform(16)) {
      case 0:
        return {"DEL", AnyKey()};
      case 1:
        return {"UNLINK", AnyKey(), AnyKey()};
      case 2:
        return {Chance(80) ? "RENAME" : "RENAMENX", AnyKey(), AnyKey()};
      case 3: {
        Command c = {"COPY", AnyKey(), AnyKey()};
        if (Chance(50)) {
          c.insert(c.end(), {"DB", Num(3)});
        }
        if (Chance(50)) {
          c.push_back("REPLACE");
        }
        return c;
      }
      case 4:
        return {"MOVE", AnyKey(), Num(3)};
      case 5:
      case 6:
      case 7:
        return ExpireCommand();
      case 8:
        return {"PERSIST", AnyKey()};
      case 9:
      case 10:
        return {"SELECT", Db()};
      case 11:
        return {"SWAPDB", Num(3), Num(3)};
      case 12:
        return Chance(3) ? Command{Chance(20) ? "FLUSHALL" : "FLUSHDB"}
                         : Command{"EXISTS", AnyKey()};
      case 13:
        return {"TYPE", AnyKey()};
      default:
        return {"SET", StringKey(), Value()};
    }
  }

  // MAXLEN/MINID [=|~] threshold [LIMIT n], appended to c.
  void AddTrim(Command* c) {
    const bool maxlen = Chance(70);
    c->push_back(maxlen ? "MAXLEN" : "MINID");
    const int mode = Uniform(3);
    if (mode > 0) {
      c->push_back(mode == 1 ? "~" : "=");
    }
    c->push_back(maxlen ? Num(8) : Id());
    if (mode == 1 && Chance(30)) {
      c->insert(c->end(), {"LIMIT", Num(4)});
    }
  }

  Command XAddCommand() {
    Command c = {"XADD", StreamKey()};
    if (Chance(10)) {
      c.push_back("NOMKSTREAM");
    }
    if (Chance(25)) {
      AddTrim(&c);
    }
    const int r = Uniform(100);
    if (r < 75) {
      c.push_back("*");
    } else if (r < 85) {
      c.push_back(std::to_string(now_ms_ + Uniform(3) - 1) + "-*");
    } else if (r < 95) {
      const int64_t ms = now_ms_ + Uniform(3) - 1;
      c.push_back(std::to_string(ms) + "-" + Num(5));
    } else {
      c.push_back(Id());
    }
    c.insert(c.end(), {"f", Value()});
    if (Chance(30)) {
      c.insert(c.end(), {"g", Value()});
    }
    return c;
  }

  Command XSetIdCommand() {
    Command c = {"XSETID", StreamKey(), Chance(50) ? Id() : std::to_string(now_ms_ + 1) + "-0"};
    if (Chance(30)) {
      c.insert(c.end(), {"ENTRIESADDED", std::to_string(Uniform(60))});
    }
    if (Chance(30)) {
      c.insert(c.end(), {"MAXDELETEDID", Id()});
    }
    return c;
  }

  Command StreamCommand() {
    switch (Uniform(10)) {
      case 0:
      case 1:
      case 2:
      case 3:
        return XAddCommand();
      case 4:
        return Chance(50) ? Command{"XDEL", StreamKey(), Id()}
                          : Command{"XDEL", StreamKey(), Id(), Id()};
      case 5: {
        Command c = {"XTRIM", StreamKey()};
        AddTrim(&c);
        return c;
      }
      case 6:
        return XSetIdCommand();
      case 7:
        return {"XLEN", StreamKey()};
      default:
        return {"XRANGE", StreamKey(), "-", "+", "COUNT", "2"};
    }
  }

  // $, 0 or a known id.
  std::string GroupStart() {
    const int r = Uniform(3);
    return r == 0 ? "$" : r == 1 ? "0" : Id();
  }

  Command GroupCommand() {
    switch (Uniform(9)) {
      case 0:
      case 1:
      case 8: {
        Command c = {"XGROUP", "CREATE", StreamKey(), Group(), GroupStart()};
        if (Chance(70)) {
          c.push_back("MKSTREAM");
        }
        if (Chance(20)) {
          c.insert(c.end(), {"ENTRIESREAD", std::to_string(Uniform(12) - 1)});
        }
        return c;
      }
      case 2: {
        Command c = {"XGROUP", "SETID", StreamKey(), Group(), GroupStart()};
        if (Chance(40)) {
          c.insert(c.end(), {"ENTRIESREAD", std::to_string(Uniform(12) - 1)});
        }
        return c;
      }
      case 3:
        return Chance(50) ? Command{"XGROUP", "DESTROY", StreamKey(), Group()}
                          : Command{"XPENDING", StreamKey(), Group(), "-", "+", "5"};
      case 4:
        return {"XGROUP", "CREATECONSUMER", StreamKey(), Group(), Consumer()};
      case 5:
        return {"XGROUP", "DELCONSUMER", StreamKey(), Group(), Consumer()};
      case 6:
        return {"XPENDING", StreamKey(), Group()};
      default:
        return {"XACK", StreamKey(), Group(), Id(), Id()};
    }
  }

  Command XReadGroupCommand() {
    Command c = {"XREADGROUP", "GROUP", Group(), Consumer()};
    if (Chance(50)) {
      c.insert(c.end(), {"COUNT", std::to_string(1 + Uniform(3))});
    }
    if (Chance(20)) {
      c.push_back("NOACK");
    }
    c.push_back("STREAMS");
    const std::string from = Chance(75) ? ">" : Chance(60) ? "0" : Id();
    if (Chance(20)) {
      c.insert(c.end(), {"s", "t", from, Chance(50) ? ">" : "0"});
    } else {
      c.insert(c.end(), {StreamKey(), from});
    }
    return c;
  }

  Command XClaimCommand() {
    Command c = {"XCLAIM", StreamKey(), Group(), Consumer(), Chance(50) ? "0" : Num(2000), Id()};
    if (Chance(30)) {
      c.push_back(Id());
    }
    if (Chance(20)) {
      c.insert(c.end(), {"IDLE", Num(3000)});
    }
    if (Chance(20)) {
      c.insert(c.end(), {"TIME", std::to_string(now_ms_ - Uniform(4000) + 500)});
    }
    if (Chance(20)) {
      c.insert(c.end(), {"RETRYCOUNT", Num(5)});
    }
    if (Chance(30)) {
      c.push_back("FORCE");
    }
    if (Chance(30)) {
      c.push_back("JUSTID");
    }
    if (Chance(15)) {
      c.insert(c.end(), {"LASTID", Id()});
    }
    return c;
  }

  Command DeliveryCommand() {
    const int r = Uniform(10);
    if (r < 5) {
      return XReadGroupCommand();
    }
    if (r < 8) {
      return XClaimCommand();
    }
    Command c = {
        "XAUTOCLAIM",           StreamKey(), Group(), Consumer(), Chance(50) ? "0" : Num(2000),
        Chance(60) ? "0" : Id()};
    if (Chance(40)) {
      c.insert(c.end(), {"COUNT", std::to_string(1 + Uniform(3))});
    }
    if (Chance(30)) {
      c.push_back("JUSTID");
    }
    return c;
  }

  std::mt19937_64 rng_;
  int64_t now_ms_ = 0;
  std::vector<std::string> ids_;  // recent XADD replies, oldest first
};

constexpr int kOpsPerSeed = 3000;
constexpr int kCheckpointEvery = 500;  // ops between replays and comparisons

// Runs the seed's workload on h. After each op, after_op (when given) sees its index and
// the op, and returns false to stop.
void RunWorkload(uint64_t seed, CommandHarness& h,
                 const std::function<bool(int, const Op&)>& after_op = nullptr) {
  OpGenerator gen(seed);
  for (size_t k = 0; k < kBlockingClients; k++) {
    h.NewClient();
  }
  for (int i = 0; i < kOpsPerSeed; i++) {
    h.clock().AdvanceMs(gen.NextAdvance());
    Op op = gen.Next(h.clock().NowMs());
    if (op.active_expire) {
      h.shard().RefreshClock();
      h.shard().keyspace().ActiveExpireCycle(/*budget_us=*/1000000);
    }
    if (op.client != 0 && h.client(op.client).block.active) {
      op.commands.clear();  // still waiting for its last read
    }
    for (const Command& c : op.commands) {
      gen.Observe(c, h.Run(c, op.client));
    }
    for (size_t k = 1; k <= kBlockingClients; k++) {
      h.Take(k);  // served reads land here; only their effects matter
    }
    if (after_op && !after_op(i, op)) {
      return;
    }
  }
}

std::string Describe(const Op& op) {
  if (op.active_expire) {
    return "(active expiry cycle)";
  }
  std::string s;
  for (const Command& c : op.commands) {
    s += (s.empty() ? "" : " | ") + Join(c);
  }
  if (op.client != 0) {
    s = "(client " + std::to_string(op.client) + ") " + (s.empty() ? "(still blocked)" : s);
  }
  return s;
}

// Runs the seed again, replaying and comparing after every op; describes the first op
// whose effects did not reproduce it, with the few ops before it.
std::string FindFirstBadOp(uint64_t seed) {
  CommandHarness h;
  CommandHarness r;
  h.shard().journal().set_enabled(true);
  std::deque<std::string> recent;
  std::string report;
  RunWorkload(seed, h, [&](int i, const Op& op) {
    const shard::Journal::Batch b = h.shard().journal().Take();
    std::string effects = RenderEffects(b.bytes);
    for (size_t at = effects.find('\n'); at != std::string::npos; at = effects.find('\n', at + 1)) {
      effects.insert(at + 1, "             ");
    }
    recent.push_back("op " + std::to_string(i) + " @" + std::to_string(h.clock().NowMs()) + ": " +
                     Describe(op) + "\n    effects: " + (effects.empty() ? "(none)" : effects));
    if (recent.size() > 6) {
      recent.pop_front();
    }
    r.clock().SetMs(h.clock().NowMs());
    const std::vector<std::string> errors = Replay(r, b);
    std::string problem;
    if (!errors.empty()) {
      problem = "replayed effect failed: " + errors.front();
    } else {
      problem = FirstDifference(Dump(h), Dump(r));
    }
    if (problem.empty()) {
      return true;
    }
    report = "first bad op " + std::to_string(i) + ": " + problem + "\nlast ops:\n";
    for (const std::string& line : recent) {
      report += "  " + line + "\n";
    }
    return false;
  });
  return report.empty() ? "(not reproduced op by op)" : report;
}

class EffectsRoundTripTest : public ::testing::TestWithParam<uint64_t> {};

TEST_P(EffectsRoundTripTest, ReplayingTheJournalRebuildsTheDataset) {
  const uint64_t seed = GetParam();
  CommandHarness h;
  CommandHarness r;
  h.shard().journal().set_enabled(true);
  size_t lines = 0;
  std::string failure;
  // At each checkpoint the journal so far has been replayed into r, which must then hold
  // what h holds; checking every kCheckpointEvery ops catches a divergence before later
  // commands (DEL, FLUSHDB...) can hide it.
  RunWorkload(seed, h, [&](int i, const Op&) {
    if ((i + 1) % kCheckpointEvery != 0) {
      return true;
    }
    // Taken before the dump, which must not add to it (it reads only live keys anyway).
    const shard::Journal::Batch b = h.shard().journal().Take();
    r.clock().SetMs(h.clock().NowMs());  // start-up comes after every recorded time
    const std::vector<std::string> errors = Replay(r, b);
    const std::vector<std::string> original = Dump(h);
    const std::string difference = FirstDifference(original, Dump(r));
    lines += original.size();
    if (errors.empty() && difference.empty()) {
      return true;
    }
    failure = "after op " + std::to_string(i) + ": " +
              (errors.empty() ? "dumps differ at " + difference
                              : "replayed effect failed: " + errors.front());
    return false;
  });
  if (!failure.empty()) {
    ADD_FAILURE() << "seed " << seed << ", " << failure << "\n" << FindFirstBadOp(seed);
  } else {
    EXPECT_GT(lines, 100u) << "seed " << seed << ": the workload left almost nothing to compare";
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, EffectsRoundTripTest, ::testing::Range<uint64_t>(1, 17),
                         [](const ::testing::TestParamInfo<uint64_t>& info) {
                           return "Seed" + std::to_string(info.param);
                         });

}  // namespace
}  // namespace rill::test
