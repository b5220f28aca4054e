// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// shard/shard.h: one event loop thread with its keyspace, its clients and its timers.
//
// A Shard owns a libevent event_base and runs it on its own thread. Everything it owns
// (keyspace, clients, pub/sub registry, slow log, statistics) is touched only from that
// thread. Other threads talk to it through Post(), a mutex-guarded mailbox. Shards post
// to each other on the request path (forwarded requests and their replies, a batch per
// loop turn), so a post costs a system call only when the loop sleeps: then it wakes it
// through an eventfd; an awake loop looks at the mailbox after each turn.
//
// The shard parses nothing and executes nothing itself: each request goes to the
// RequestHandler (the command dispatcher, a higher layer). The shard's own jobs are:
//  * accepting clients (listeners, maxclients, keepalive, per-connection limits);
//  * the cron, `hz` times a second: active expiry, idle-client timeouts, soft output
//    limits, the instantaneous-ops sample;
//  * client-output-buffer-limit enforcement after replies and pushes;
//  * CLIENT PAUSE: holding clients and releasing them in arrival order;
//  * destroying closed clients outside their own callbacks.
//
// Threading: construct and Listen() on the main thread, then Start(); after that only the
// shard's thread calls anything but Post() and Stop().
#pragma once

#include <event2/event.h>

#include <atomic>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <span>
#include <string_view>
#include <thread>
#include <vector>

#include "config/config.h"
#include "core/clock.h"
#include "core/hash.h"
#include "core/status.h"
#include "net/connection.h"
#include "net/listener.h"
#include "observability/slowlog.h"
#include "shard/busy_board.h"
#include "shard/client.h"
#include "shard/journal.h"
#include "shard/keyspace.h"
#include "shard/pubsub.h"

namespace rill::shard {

class Shard;
class ShardSet;

// Why a blocked client is being woken.
enum class BlockWake : uint8_t {
  kKeyReady,  // a key it waits on changed: run the command again
  kTimeout,   // its BLOCK timeout passed, or CLIENT UNBLOCK [TIMEOUT]
  kError,     // CLIENT UNBLOCK ERROR
};

// Implemented by the command layer.
enum class ReplayResult { kOk, kFailed, kUnknownCommand };

class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  // Runs one request. Returns false to hold it (CLIENT PAUSE): it runs again on release.
  virtual bool OnRequest(Shard& shard, Client& client, std::span<const std::string_view> args) = 0;
  // Wakes a blocked client (Client::block). Returns true if it is still blocked: its
  // command ran again and found nothing to serve yet.
  virtual bool RunBlocked(Shard& shard, Client& client, BlockWake why) = 0;
  // The client is going away: drop its subscriptions, watches, monitor registration.
  virtual void OnClientClose(Shard& shard, Client& client) = 0;
  // Per-command statistics slots the shard must keep (one per command-table entry).
  virtual size_t command_count() const = 0;
  // Runs a request another shard forwarded (Shard::Forward) for a client of its own, with
  // proxy standing in for that client; command is what the handler passed to Forward.
  // Returns false to hold it (CLIENT PAUSE): it runs on unpause, and so does every
  // forwarded request that arrives meanwhile.
  virtual bool RunForwarded(Shard& shard, Client& proxy, const void* command,
                            std::span<const std::string_view> args) = 0;
  // Runs a journalled command while loading: no admission checks, and MULTI queues as for
  // a client.
  virtual ReplayResult Replay(Shard& shard, Client& client,
                              std::span<const std::string_view> args) = 0;
};

struct CommandStat {
  uint64_t calls = 0;
  uint64_t ticks = 0;  // time spent, in TickCount() units; INFO converts to microseconds
  uint64_t rejected_calls = 0;
  uint64_t failed_calls = 0;
};

struct ShardStats {
  uint64_t total_connections_received = 0;
  uint64_t total_commands_processed = 0;
  uint64_t rejected_connections = 0;
  uint64_t total_error_replies = 0;
  uint64_t output_limit_disconnections = 0;
  uint64_t query_limit_disconnections = 0;
  uint64_t dirty = 0;        // writes since start (replays aside)
  uint64_t peak_memory = 0;  // largest UsedMemory() seen by the cron or INFO, in bytes
  uint64_t unexpected_error_replies = 0;
  net::IoCounters io;
  // Instantaneous ops/sec: samples of the command counter taken by the cron.
  static constexpr int kSamples = 16;
  uint64_t ops_samples[kSamples] = {};
  int ops_sample_idx = 0;
  int64_t last_sample_ms = 0;
  uint64_t last_sample_ops = 0;
  uint64_t instantaneous_ops() const;
  // dirty is written by its shard alone; the snapshotter reads every shard's (save points).
  void CountWrite() {
    std::atomic_ref<uint64_t>(dirty).store(dirty + 1, std::memory_order_relaxed);
  }
  uint64_t dirty_now() const {
    return std::atomic_ref<uint64_t>(const_cast<uint64_t&>(dirty)).load(std::memory_order_relaxed);
  }
};

class Shard final : public net::ConnectionHandler {
 public:
  Shard(int id, ShardSet* set, RequestHandler* handler, std::shared_ptr<const config::Config> cfg,
        const Clock* clock);
  ~Shard() override;
  Shard(const Shard&) = delete;
  Shard& operator=(const Shard&) = delete;

  // Opens the TCP and unix listeners of the config. Main thread, before Start().
  Status Listen();
  void Start();
  // Asks the loop to exit; Join() waits for it.
  void Stop();
  void Join();
  // Runs fn on the shard's thread soon. Thread-safe.
  void Post(std::function<void()> fn);

  int id() const { return id_; }
  // The shard whose thread calls this (nullptr on other threads).
  static Shard* Current();
  ShardSet& set() { return *set_; }
  const config::Config& config() const { return *config_; }
  // Installs a new config snapshot. Shard thread.
  void SetConfig(std::shared_ptr<const config::Config> cfg);
  Keyspace& keyspace() { return keyspace_; }
  PubSub& pubsub() { return pubsub_; }
  observability::SlowLog& slowlog() { return slowlog_; }
  // slowlog-log-slower-than in TickCount() units, so the per-command check is a compare.
  int64_t slowlog_threshold_ticks() const { return slowlog_threshold_ticks_; }
  ShardStats& stats() { return stats_; }
  const ShardStats& stats() const { return stats_; }
  std::vector<CommandStat>& command_stats() { return command_stats_; }
  std::map<std::string, uint64_t>& error_stats() { return error_stats_; }
  const Clock& clock() const { return clock_; }
  // Re-reads the time; the shard does it before each batch of requests and each timer.
  void RefreshClock() { clock_.Refresh(); }
  event_base* base() { return base_; }
  int tcp_port() const;

  // Makes a client of an accepted socket (takes ownership of fd); nullptr when refused by
  // maxclients (the socket then got Redis's error and was closed).
  Client* Adopt(int fd, bool is_unix, std::string peer, std::string local);
  const std::map<uint64_t, std::unique_ptr<Client>>& clients() const { return clients_; }
  Client* FindClient(uint64_t id);
  const std::vector<Client*>& monitors() const { return monitors_; }
  void AddMonitor(Client* c);
  void RemoveMonitor(Client* c);
  // Appends a MONITOR line to this shard's monitors but skip.
  void FeedMonitorLine(const std::string& line, const Client* skip);
  size_t pubsub_clients() const;

  // The client-output-buffer-limit class that applies to c now.
  const config::OutputBufferLimit& OutputLimitFor(const Client& c) const {
    return c.subscriptions() > 0 ? config_->output_limit_pubsub : config_->output_limit_normal;
  }
  // Enforces the output limit of c's class after data was appended to its buffer; closes
  // it when over. Returns false if the client was closed.
  bool CheckOutputLimit(Client& c);

  // CLIENT PAUSE: until until_ms, hold all commands (write_only=false) or only writes.
  void Pause(int64_t until_ms, bool write_only);
  void Unpause();
  // Whether a command with these properties must be held now.
  bool MustHold(bool is_write) const;
  void Hold(Client& c);
  bool paused_write_only() const { return pause_write_only_; }
  int64_t pause_until_ms() const { return pause_until_ms_; }

  // The journal of this shard's effects (shard/journal.h). SetJournalSink connects it to
  // the process journal, once (appendonly cannot change at runtime yet); the shard hands
  // its effects over once per loop turn. The reply to a command that had effects waits until the
  // journal says they are written (appendfsync everysec, no) or fsynced (always).
  Journal& journal() { return *journal_; }
  JournalSink* journal_sink() const { return journal_sink_; }
  void SetJournalSink(JournalSink* sink);
  // Holds c's output from reply_start on until the effects produced so far are durable.
  void HoldUntilDurable(Client& c, size_t reply_start);
  // Hands the effects appended since the last call to the sink.
  void HandOverJournal();
  // While parked by a coordinator (ShardSet::PauseOthers), this shard's effects go to
  // the coordinator's journal j; nullptr restores its own.
  void RedirectJournal(Journal* j) {
    journal_ = j != nullptr ? j : &own_journal_;
    keyspace_.set_journal(journal_);
  }
  // Runs on this shard's thread after a coordinator released it: serves readers whose
  // keys the coordinator changed.
  void AfterPause();
  // Whether this shard runs a command with the others parked (it may touch their state).
  bool coordinating() const { return coordinating_; }
  // The keyspace holding key: while coordinating, its owner's; otherwise this shard's, as
  // every key of a command that runs here without coordinating lives here.
  Keyspace& KeyspaceOf(std::string_view key);
  void set_coordinating(bool on) { coordinating_ = on; }

  // Forwarding (shard/forwarding.cc): runs the request of client c on shard `owner`, which
  // owns its keys. The reply gets a slot in c's output now and fills it when it comes
  // back, so the pipeline goes on meanwhile and replies keep their order. Requests to one
  // shard are batched over a loop turn and travel as one mailbox item, and so do their
  // replies; FlushForwards() sends the batches (end of each turn, and before a
  // coordinated command, which must come after them). command is opaque here and handed
  // back to RequestHandler::RunForwarded; discard drops the reply (CLIENT REPLY OFF).
  void Forward(Client& c, int owner, const void* command, std::span<const std::string_view> args,
               bool discard);
  void FlushForwards();

  // Migration: a client whose requests keep going to one other shard (kMigrateAfter in a
  // row), or that must wait on keys of one other shard (a blocking read), moves there:
  // its connection is detached from this loop and attached to the owner's. Migrate()
  // marks it; its requests wait from then on, and it moves once its forwarded replies are
  // all back and its output is not held; a client whose state ties it here (MULTI,
  // WATCH, subscriptions, MONITOR) stays, and its requests go on here.
  static constexpr uint32_t kMigrateAfter = 32;
  void Migrate(Client& c, int to);
  bool migrating(const Client& c) const { return c.migrate_to >= 0; }
  // Whether nothing ties c to this shard.
  static bool Movable(const Client& c) {
    return !c.in_multi && c.watched.empty() && c.subscriptions() == 0 && !c.monitor &&
           !c.block.active && !c.conn->closing();
  }
  // The process journal is written up to `written` and fsynced up to `durable`.
  // Thread-safe.
  void NotifyJournal(uint64_t written, uint64_t durable);

  // WAITAOF. SyncTarget() is the journal offset that covers every effect produced so far
  // (kPendingHandOver while some are not handed over yet: HandOverJournal fills it in);
  // WaitForSync(c) asks the sink for an fsync up to c.sync_target and wakes c (blocked) when
  // one covered it.
  static constexpr uint64_t kPendingHandOver = UINT64_MAX;
  // With several shards the client's writes may be in other shards' journals (forwarded,
  // or made before it moved here), all handed over before they were acknowledged: the
  // target is everything handed over so far.
  uint64_t SyncTarget() const {
    if (!own_journal_.empty()) {
      return kPendingHandOver;
    }
    return journal_sink_ == nullptr ? handed_offset_
                                    : std::max(handed_offset_, journal_sink_->stats().appended);
  }
  bool Synced(uint64_t target) const { return durable_offset_ >= target; }
  void WaitForSync(Client& c);

  // Loading the journal (main thread, before Start): each command runs through the handler
  // for a client of its own, with expiry off (Keyspace::set_loading) and the journal off.
  // EndReplay clears the statistics the replay counted, as a fresh start has none. With
  // several shards the others are parked (or not started) meanwhile: the replay writes
  // every shard's keyspace, each command on the shard of its keys.
  void BeginReplay();
  ReplayResult Replay(std::span<const std::string_view> args);
  // reset_stats: clear what the replay counted, as after a start (DEBUG LOADAOF keeps them).
  void EndReplay(bool reset_stats = true);
  // Loading while serving: the loop runs step (a slice of loading) between its turns until
  // it returns true; meanwhile loading() is true and commands get -LOADING. BeginReplay()
  // must have been called.
  void StartLoading(std::function<bool()> step);
  bool loading() const;  // this shard loads, or (ShardSet::loading) another one
  struct LoadProgress {
    int64_t start_ms = 0;
    uint64_t total_bytes = 0;
    uint64_t loaded_bytes = 0;
  };
  LoadProgress& load_progress() { return load_progress_; }

  // Background work done in slices between turns of the loop (snapshots): after every
  // turn the loop runs step while it reports more to do (true); once it returns false the
  // loop sleeps as usual until WakeBackground() (shard thread, e.g. from a Post).
  void SetBackgroundStep(std::function<bool()> step) {
    background_step_ = std::move(step);
    background_busy_ = true;
  }
  void WakeBackground() { background_busy_ = background_step_ != nullptr; }

  // Blocked readers. Block() registers c on c.block.keys in arrival order, with its
  // deadline, and stops running its pipeline; Unblock() undoes that and lets the pipeline
  // go on (soon, from the loop, not inside the caller). After every command the shard
  // serves the clients waiting on keys that changed, oldest first (ServeReadyKeys).
  //
  // Keys of other shards (a read over streams of several shards; it blocks while its
  // shard coordinates): the client waits here, and each key's shard keeps a remote waiter
  // that makes it post KeyReady here when the key changes. Such a client runs again with
  // the other shards parked (ServeSpanningReady), so it reads every key at one point.
  void Block(Client& c);
  void Unblock(Client& c);
  // Wakes c for why (CLIENT UNBLOCK, timeouts, ready keys); unblocks it when done.
  void WakeBlocked(Client& c, BlockWake why);
  void ServeReadyKeys();
  // The other side of a spanning wait: home waits on (db, key) of this shard.
  void AddRemoteWaiter(int db, std::string_view key, int home);
  void RemoveRemoteWaiter(int db, std::string_view key, int home);
  size_t blocked_clients() const { return block_deadlines_.size(); }
  // Keys with at least one blocked client (INFO total_blocking_keys).
  size_t blocking_keys() const;

  // net::ConnectionHandler
  bool OnRequest(net::Connection& conn, std::span<const std::string_view> args) override;
  void OnClose(net::Connection& conn) override;
  void OnProtocolError(net::Connection& conn, std::string_view error) override;
  void OnReadBatch() override {
    clock_.Refresh();
    activity_++;
  }

 private:
  static void MailboxCallback(evutil_socket_t fd, short what, void* arg) noexcept;
  static void CronCallback(evutil_socket_t fd, short what, void* arg) noexcept;
  static void ReapCallback(evutil_socket_t fd, short what, void* arg) noexcept;
  static void UnpauseCallback(evutil_socket_t fd, short what, void* arg) noexcept;
  static void BlockTimerCallback(evutil_socket_t fd, short what, void* arg) noexcept;
  static void ResumeCallback(evutil_socket_t fd, short what, void* arg) noexcept;
  struct ForwardBatch;
  struct ReplyBatch;
  // Runs the forwarded batches in arrival order until one is held (CLIENT PAUSE); then
  // Unpause() calls it again.
  void RunForwards();
  // Runs batch's requests from *next on; false if one was held (*next is it).
  bool RunForwardBatch(const ForwardBatch& batch, size_t* next);
  // After FillReplies filled c's slots: sends what they released, checks its output
  // limit, and lets a migrating client go once its last slot is filled.
  void SendFilled(Client& c);
  void SendReplies(std::shared_ptr<ReplyBatch> replies);  // to replies->home
  static void MigrateCallback(evutil_socket_t fd, short what, void* arg) noexcept;
  // Moves c if it can go now, gives up if it cannot go at all, else waits.
  void MaybeMigrate(Client& c);
  void TakeMigrated(std::unique_ptr<Client> c);
  void FillReplies(const ReplyBatch& batch);
  void ReleaseHeld(uint64_t offset);
  void WakeSyncWaiters();
  void ExpireBlocked();
  void KeyReadyElsewhere(int db, std::string key);
  void ServeSpanningReady();
  void RunSpanningReady();  // REQUIRES: the token
  void ArmBlockTimer();
  void ResumeUnblocked();
  void DrainMailbox();
  // DrainMailbox() if mail waits: an awake loop is not woken for it.
  void TakeMail();
  // Marks the loop asleep unless mail waits; Woke() undoes it. See Post().
  bool MaySleep();
  void Woke();
  // After a turn of the loop: the mail an awake loop was not woken for, the forwarded
  // requests the turn produced, the journal.
  void EndTurn();
  // The thread's event loop: libevent's, plus busy-poll-us of polling while busy.
  void Loop();
  // Polls the loop without sleeping for up to budget_us; true once something happened.
  bool PollBriefly(int64_t budget_us);
  // Whether other threads wanted this one's CPU lately (busy_board.h's Contention).
  bool CpuContended();
  void Cron();
  void ScheduleCron();
  void Reap();
  void ApplyConnectionLimits(net::Connection& conn, bool authenticated) const;

  const int id_;
  ShardSet* set_;
  RequestHandler* handler_;
  std::shared_ptr<const config::Config> config_;
  CachedClock clock_;  // what everything on this shard reads; see core/clock.h
  event_base* base_;
  std::thread thread_;
  uint64_t activity_ = 0;  // socket reads and mailbox drains so far; PollBriefly watches it

  std::vector<std::unique_ptr<net::Listener>> listeners_;
  std::map<uint64_t, std::unique_ptr<Client>> clients_;  // by id: CLIENT LIST order
  std::vector<std::unique_ptr<Client>> graveyard_;       // closed, destroyed by Reap()
  std::vector<Client*> monitors_;
  std::deque<uint64_t> held_;  // client ids held by CLIENT PAUSE, in arrival order

  // Blocked clients: per database, key -> ids of the clients waiting on it, oldest first;
  // every blocked client once in block_deadlines_ (deadline 0 = forever sorts first and is
  // skipped by the timer).
  std::vector<StringMap<std::deque<uint64_t>>> waiters_;
  std::set<std::pair<int64_t, uint64_t>> block_deadlines_;
  std::vector<uint64_t> to_resume_;  // unblocked clients whose pipeline goes on next turn
  bool serving_ready_ = false;       // inside ServeReadyKeys (re-entrancy guard)
  // Per database: key of this shard -> the shards with clients waiting on it (one entry
  // per waiting client).
  std::vector<StringMap<std::vector<int>>> remote_waiters_;
  // Keys whose waiters include clients that wait on several shards: they run again under
  // the coordination token (ServeSpanningReady).
  std::vector<std::pair<int, std::string>> spanning_ready_;
  bool spanning_token_asked_ = false;

  Journal own_journal_;
  Journal* journal_ = &own_journal_;  // own_journal_, or a coordinator's while parked
  JournalSink* journal_sink_ = nullptr;
  std::vector<std::shared_ptr<ForwardBatch>> forward_out_;  // per destination shard
  std::unique_ptr<Client> proxy_;                           // stands in for forwarded clients
  std::vector<std::string_view> forward_args_;              // reused while running a batch
  std::vector<uint64_t> to_migrate_;                        // clients marked by Migrate()
  // Forwarded batches not run yet (CLIENT PAUSE holds them), each with its next request.
  std::deque<std::pair<std::shared_ptr<ForwardBatch>, size_t>> forwards_in_;
  event* migrate_ev_ = nullptr;
  bool coordinating_ = false;
  bool stopping_ = false;                  // the loop has ended
  std::unique_ptr<Client> replay_client_;  // between BeginReplay and EndReplay
  std::function<bool()> load_step_;
  std::function<bool()> background_step_;
  bool background_busy_ = false;
  LoadProgress load_progress_;
  bool hold_until_synced_ = false;  // appendfsync always; else until written
  // Handed-over batches not yet durable: (journal_.produced() after it, journal offset).
  std::deque<std::pair<uint64_t, uint64_t>> in_flight_;
  // Clients with held output: (produced() their hold waits for, client id), in order.
  std::deque<std::pair<uint64_t, uint64_t>> held_replies_;
  // Replies to forwarded writes, sent back once durable: (produced() they wait for, batch).
  std::deque<std::pair<uint64_t, std::shared_ptr<ReplyBatch>>> held_forward_replies_;
  uint64_t handed_offset_ = 0;          // journal offset after the last batch handed over
  uint64_t durable_offset_ = 0;         // journal offset fsynced
  std::vector<uint64_t> sync_waiters_;  // ids of clients blocked in WAITAOF

  Keyspace keyspace_;
  PubSub pubsub_;
  observability::SlowLog slowlog_;
  ShardStats stats_;
  std::vector<CommandStat> command_stats_;
  std::map<std::string, uint64_t> error_stats_;  // error prefix -> count

  int64_t slowlog_threshold_ticks_ = 0;
  int64_t pause_until_ms_ = 0;
  bool pause_write_only_ = false;

  std::mutex mailbox_mu_;
  std::vector<std::function<void()>> mailbox_;  // guarded by mailbox_mu_, as are:
  bool sleeping_ = false;                       // the loop waits in epoll: a post wakes it
  bool woken_ = false;                          // the eventfd was written since it slept
  std::atomic<bool> has_mail_{false};           // mailbox_ is not empty (a hint)
  bool mailbox_callback_ran_ = false;           // in this sleep; the loop's thread only
  Contention contention_;                       // the loop's thread only
  int mailbox_fd_ = -1;                         // eventfd
  event* mailbox_ev_ = nullptr;
  event* cron_ev_ = nullptr;
  event* reap_ev_ = nullptr;
  event* unpause_ev_ = nullptr;
  event* block_timer_ev_ = nullptr;
  event* resume_ev_ = nullptr;
  int64_t cron_runs_ = 0;
};

}  // namespace rill::shard
