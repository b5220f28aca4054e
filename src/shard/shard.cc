// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "shard/shard.h"

#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <unistd.h>

#include "core/check.h"
#include "core/logging.h"
#include "core/memory.h"
#include "net/reply_builder.h"
#include "shard/shard_set.h"

namespace rill::shard {

namespace {
thread_local Shard* t_current = nullptr;
}  // namespace

Shard* Shard::Current() { return t_current; }

uint64_t ShardStats::instantaneous_ops() const {
  uint64_t sum = 0;
  for (uint64_t s : ops_samples) {
    sum += s;
  }
  return sum / kSamples;
}

Shard::Shard(int id, ShardSet* set, RequestHandler* handler,
             std::shared_ptr<const config::Config> cfg, const Clock* clock)
    : id_(id),
      set_(set),
      handler_(handler),
      config_(std::move(cfg)),
      clock_(clock),
      base_(event_base_new()),
      waiters_(static_cast<size_t>(config_->databases)),
      remote_waiters_(static_cast<size_t>(config_->databases)),
      keyspace_(static_cast<int>(config_->databases), &clock_),
      command_stats_(handler->command_count()) {
  RILL_CHECK(base_ != nullptr);
  keyspace_.set_policy(*config_);
  keyspace_.set_journal(journal_);
  slowlog_threshold_ticks_ = UsToTicks(std::max<int64_t>(0, config_->slowlog_log_slower_than));
  mailbox_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  RILL_CHECK(mailbox_fd_ >= 0);
  mailbox_ev_ = event_new(base_, mailbox_fd_, EV_READ | EV_PERSIST, &Shard::MailboxCallback, this);
  event_add(mailbox_ev_, nullptr);
  cron_ev_ = evtimer_new(base_, &Shard::CronCallback, this);
  reap_ev_ = event_new(base_, -1, 0, &Shard::ReapCallback, this);
  unpause_ev_ = evtimer_new(base_, &Shard::UnpauseCallback, this);
  block_timer_ev_ = evtimer_new(base_, &Shard::BlockTimerCallback, this);
  resume_ev_ = event_new(base_, -1, 0, &Shard::ResumeCallback, this);
  migrate_ev_ = event_new(base_, -1, 0, &Shard::MigrateCallback, this);
}

Shard::~Shard() {
  listeners_.clear();
  for (auto& [id, c] : clients_) {
    handler_->OnClientClose(*this, *c);
  }
  clients_.clear();
  graveyard_.clear();
  event_free(mailbox_ev_);
  event_free(cron_ev_);
  event_free(reap_ev_);
  event_free(unpause_ev_);
  event_free(block_timer_ev_);
  event_free(resume_ev_);
  event_free(migrate_ev_);
  close(mailbox_fd_);
  event_base_free(base_);
}

Status Shard::Listen() {
  const config::Config& cfg = *config_;
  // This shard accepts for all of them; each connection lives on the next one in turn.
  auto accept = [this](int fd, bool is_unix, std::string peer, std::string local) {
    Shard& home = set_->NextHome();
    if (&home == this) {
      Adopt(fd, is_unix, std::move(peer), std::move(local));
      return;
    }
    home.Post([&home, fd, is_unix, peer = std::move(peer), local = std::move(local)]() mutable {
      home.Adopt(fd, is_unix, std::move(peer), std::move(local));
    });
  };
  if (cfg.port != 0) {
    int port = static_cast<int>(cfg.port);
    for (const std::string& addr : cfg.bind) {
      auto l = std::make_unique<net::Listener>(base_, accept);
      Status s = l->OpenTcp(addr, port, static_cast<int>(cfg.tcp_backlog));
      if (!s.ok()) {
        if (!addr.empty() && addr[0] == '-') {
          continue;  // optional address (Redis's "-::1" syntax)
        }
        return s;
      }
      listeners_.push_back(std::move(l));
    }
  }
  if (!cfg.unixsocket.empty()) {
    auto l = std::make_unique<net::Listener>(base_, accept);
    if (Status s = l->OpenUnix(cfg.unixsocket, static_cast<int>(cfg.unixsocketperm),
                               static_cast<int>(cfg.tcp_backlog));
        !s.ok()) {
      return s;
    }
    listeners_.push_back(std::move(l));
  }
  return Status::Ok();
}

int Shard::tcp_port() const {
  for (const auto& l : listeners_) {
    if (l->port() != 0) {
      return l->port();
    }
  }
  return 0;
}

void Shard::Start() {
  thread_ = std::thread([this] {
    memory::RegisterThread();
    logging::SetThreadShard(id_);
    t_current = this;
    ScheduleCron();
    Loop();
    // Stopping: no request runs any more (OnRequest holds them all), but the mailbox is
    // served until every loop has ended, so a coordinator that parks this shard is not
    // left waiting.
    stopping_ = true;
    set_->LoopExited();
    while (!set_->all_loops_exited()) {
      DrainMailbox();
      usleep(1000);
    }
  });
}

// A shard that sleeps in epoll_wait between requests has to be woken for each one, and the
// wake-up (a context switch and an inter-processor interrupt) is paid inside the write(2) of
// the client that sends the request. With one request per round trip, that cost is what
// the client spends most on besides the request itself. So a busy shard first polls for up
// to busy-poll-us without sleeping, and catches the next request in flight. "Busy" means
// the last sleep (or poll), with the work it woke for, took under kBusyCutoffUs: an idle or
// lightly loaded shard sleeps at once, and polling costs CPU only while requests keep
// coming.
void Shard::Loop() {
  constexpr int64_t kBusyCutoffUs = 1000;
  const int64_t cutoff_ticks = UsToTicks(kBusyCutoffUs);
  int64_t last_sleep_ticks = cutoff_ticks;  // start idle
  while (load_step_ != nullptr && !event_base_got_break(base_)) {
    event_base_loop(base_, EVLOOP_NONBLOCK);  // clients get -LOADING meanwhile
    TakeMail();
    if (load_step_()) {
      load_step_ = nullptr;
    }
  }
  while (!event_base_got_break(base_)) {
    if (background_busy_) {
      event_base_loop(base_, EVLOOP_NONBLOCK);
      EndTurn();  // the step may begin a snapshot: no effect may be left behind
      background_busy_ = background_step_ != nullptr && background_step_();
      continue;
    }
    // Polling pays when a core is free for it (shard/busy_board.h).
    const bool busy = last_sleep_ticks < cutoff_ticks;
    BusyBoard& board = set_->busy_board();
    if (busy && config_->busy_poll_us > 0 && !CpuContended() &&
        board.Busy(TickCount(), cutoff_ticks) < set_->cores()) {
      // Time spent polling counts as sleep: requests that keep arriving, but each only
      // after most of the budget, do not make a busy shard.
      const int64_t start = TickCount();
      if (PollBriefly(config_->busy_poll_us)) {
        last_sleep_ticks = TickCount() - start;
        continue;
      }
    }
    const int64_t start = TickCount();
    if (MaySleep()) {
      if (busy) {
        board.Asleep(id_, start);
      } else {
        board.AsleepIdle(id_);
      }
      event_base_loop(base_, EVLOOP_ONCE);
      board.Awake(id_);
      Woke();
    }
    EndTurn();
    last_sleep_ticks = TickCount() - start;
  }
}

bool Shard::CpuContended() {
  constexpr int64_t kWindowUs = 10000;
  const int64_t now = TickCount();
  if (contention_.Due(now)) {
    rusage ru;
    getrusage(RUSAGE_THREAD, &ru);
    contention_.Update(now, UsToTicks(kWindowUs), ru.ru_nivcsw);
  }
  return contention_.contended();
}

bool Shard::PollBriefly(int64_t budget_us) {
  const uint64_t before = activity_;
  const int64_t deadline = TickCount() + UsToTicks(budget_us);
  do {
    event_base_loop(base_, EVLOOP_NONBLOCK);
    EndTurn();
    if (activity_ != before || event_base_got_break(base_)) {
      return true;
    }
  } while (TickCount() < deadline);
  return false;
}

void Shard::Stop() {
  Post([this] { event_base_loopbreak(base_); });
}

void Shard::Join() {
  if (thread_.joinable()) {
    thread_.join();
  }
}

// The loop marks itself asleep, under the mailbox's lock, only after finding the mailbox
// empty, and clears the mark when its turn ends; a post made in between sees the mark and
// writes the eventfd, once per sleep. So no post is left waiting while the loop sleeps,
// and a loop that is polling or working between two sleeps costs its posters no system
// call. A wake-up that arrives after epoll returned is read in Woke(), so that it does not
// end the next sleep at once for nothing.
void Shard::Post(std::function<void()> fn) {
  bool wake;
  {
    std::lock_guard<std::mutex> lock(mailbox_mu_);
    mailbox_.push_back(std::move(fn));
    has_mail_.store(true, std::memory_order_relaxed);
    wake = sleeping_ && !woken_;
    woken_ = woken_ || wake;
  }
  if (wake) {
    const uint64_t one = 1;
    const ssize_t n = write(mailbox_fd_, &one, sizeof(one));
    (void)n;  // a full eventfd counter still wakes the loop
  }
}

bool Shard::MaySleep() {
  mailbox_callback_ran_ = false;
  std::lock_guard<std::mutex> lock(mailbox_mu_);
  sleeping_ = mailbox_.empty();
  return sleeping_;
}

void Shard::Woke() {
  bool unread;
  {
    std::lock_guard<std::mutex> lock(mailbox_mu_);
    unread = woken_ && !mailbox_callback_ran_;
    sleeping_ = false;
    woken_ = false;
  }
  if (unread) {
    uint64_t counter;
    const ssize_t n = read(mailbox_fd_, &counter, sizeof(counter));
    (void)n;
  }
}

void Shard::TakeMail() {
  if (has_mail_.load(std::memory_order_relaxed)) {
    DrainMailbox();
  }
}

void Shard::EndTurn() {
  TakeMail();
  FlushForwards();
  HandOverJournal();
}

void Shard::MailboxCallback(evutil_socket_t, short, void* arg) noexcept {
  Shard* s = static_cast<Shard*>(arg);
  uint64_t counter;
  const ssize_t n = read(s->mailbox_fd_, &counter, sizeof(counter));
  (void)n;
  s->mailbox_callback_ran_ = true;
  s->DrainMailbox();
}

void Shard::DrainMailbox() {
  std::vector<std::function<void()>> batch;
  {
    std::lock_guard<std::mutex> lock(mailbox_mu_);
    batch.swap(mailbox_);
    has_mail_.store(false, std::memory_order_relaxed);
  }
  if (batch.empty()) {
    return;  // not activity: an empty drain must not make the shard look busy
  }
  clock_.Refresh();
  activity_++;
  for (auto& fn : batch) {
    fn();
  }
}

Keyspace& Shard::KeyspaceOf(std::string_view key) {
  return coordinating_ ? set_->Owner(key).keyspace() : keyspace_;
}

void Shard::AfterPause() {
  clock_.Refresh();
  if (keyspace_.has_ready_keys()) {
    ServeReadyKeys();
  }
}

void Shard::SetJournalSink(JournalSink* sink) {
  RILL_CHECK(journal_sink_ == nullptr && sink != nullptr);
  journal_sink_ = sink;
  hold_until_synced_ = config_->appendfsync == config::AppendFsync::kAlways;
  own_journal_.set_enabled(true);
}

void Shard::HoldUntilDurable(Client& c, size_t reply_start) {
  if (journal_sink_ == nullptr) {
    return;
  }
  const uint64_t seq = own_journal_.produced();
  c.conn->HoldOutput(seq, reply_start);
  if (held_replies_.empty() || held_replies_.back() != std::make_pair(seq, c.id)) {
    held_replies_.emplace_back(seq, c.id);
  }
}

void Shard::HandOverJournal() {
  if (own_journal_.empty()) {
    return;
  }
  const uint64_t produced = own_journal_.produced();
  const uint64_t offset = journal_sink_->Append(own_journal_.Take());
  in_flight_.emplace_back(produced, offset);
  handed_offset_ = offset;
  bool sync_wanted = false;
  for (const uint64_t id : sync_waiters_) {
    if (Client* c = FindClient(id); c != nullptr && c->sync_target == kPendingHandOver) {
      c->sync_target = offset;
      sync_wanted = true;
    }
  }
  if (sync_wanted) {
    journal_sink_->RequestSync(offset);
  }
}

void Shard::NotifyJournal(uint64_t written, uint64_t durable) {
  Post([this, written, durable] {
    ReleaseHeld(hold_until_synced_ ? durable : written);
    if (durable > durable_offset_) {
      durable_offset_ = durable;
      WakeSyncWaiters();
    }
  });
}

void Shard::WaitForSync(Client& c) {
  sync_waiters_.push_back(c.id);
  if (c.sync_target != kPendingHandOver) {
    journal_sink_->RequestSync(c.sync_target);
  }
}

void Shard::WakeSyncWaiters() {
  std::vector<Client*> ready;
  std::erase_if(sync_waiters_, [&](uint64_t id) {
    Client* c = FindClient(id);
    if (c == nullptr || !c->block.active) {
      return true;  // gone, or timed out
    }
    if (!Synced(c->sync_target)) {
      return false;
    }
    ready.push_back(c);
    return true;
  });
  for (Client* c : ready) {
    WakeBlocked(*c, BlockWake::kKeyReady);
  }
}

void Shard::ReleaseHeld(uint64_t offset) {
  uint64_t durable = 0;
  while (!in_flight_.empty() && in_flight_.front().second <= offset) {
    durable = in_flight_.front().first;
    in_flight_.pop_front();
  }
  while (!held_replies_.empty() && held_replies_.front().first <= durable) {
    if (Client* c = FindClient(held_replies_.front().second)) {
      c->conn->ReleaseOutput(durable);
      if (migrating(*c)) {
        MaybeMigrate(*c);
      }
    }
    held_replies_.pop_front();
  }
  while (!held_forward_replies_.empty() && held_forward_replies_.front().first <= durable) {
    std::shared_ptr<ReplyBatch> replies = std::move(held_forward_replies_.front().second);
    held_forward_replies_.pop_front();
    SendReplies(std::move(replies));
  }
}

void Shard::BeginReplay() {
  for (int i = 0; i < set_->size(); i++) {  // parked, or not started yet
    set_->shard(i).keyspace().set_loading(true);
  }
  replay_client_ = std::make_unique<Client>();
  replay_client_->authenticated = true;
  // A connection that is never started: replies pile up in its buffer and are dropped.
  const int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
  replay_client_->conn = std::make_unique<net::Connection>(base_, fd, this, &stats_.io, false);
  replay_client_->conn->set_user_data(replay_client_.get());
}

ReplayResult Shard::Replay(std::span<const std::string_view> args) {
  std::string& out = replay_client_->conn->out();
  out.clear();
  return handler_->Replay(*this, *replay_client_, args);
}

bool Shard::loading() const { return load_step_ != nullptr || set_->loading(); }

void Shard::StartLoading(std::function<bool()> step) {
  load_progress_.start_ms = clock_.NowMs();
  load_step_ = std::move(step);
}

void Shard::EndReplay(bool reset_stats) {
  replay_client_.reset();
  for (int i = 0; i < set_->size(); i++) {  // parked
    Shard& s = set_->shard(i);
    s.keyspace().set_loading(false);
    if (!reset_stats) {
      continue;
    }
    for (CommandStat& cs : s.command_stats_) {
      cs = CommandStat();
    }
    s.error_stats_.clear();
    s.stats_.total_commands_processed = 0;
    s.stats_.total_error_replies = 0;
    s.stats_.last_sample_ops = 0;  // instantaneous_ops_per_sec starts from zero, too
    std::atomic_ref<uint64_t>(s.stats_.dirty).store(0, std::memory_order_relaxed);
  }
}

void Shard::SetConfig(std::shared_ptr<const config::Config> cfg) {
  config_ = std::move(cfg);
  keyspace_.set_policy(*config_);
  if (journal_sink_ != nullptr) {
    journal_sink_->ApplyConfig(*config_);
    hold_until_synced_ = config_->appendfsync == config::AppendFsync::kAlways;
  }
  slowlog_.Trim(static_cast<size_t>(config_->slowlog_max_len));
  slowlog_threshold_ticks_ = UsToTicks(std::max<int64_t>(0, config_->slowlog_log_slower_than));
  for (auto& [id, c] : clients_) {
    ApplyConnectionLimits(*c->conn, c->authenticated);
  }
}

void Shard::ApplyConnectionLimits(net::Connection& conn, bool authenticated) const {
  net::ConnectionLimits& l = conn.limits();
  l.parser.max_bulk_len = config_->proto_max_bulk_len;
  l.parser.authenticated = authenticated;
  l.max_query_buffer = config_->client_query_buffer_limit;
}

Client* Shard::Adopt(int fd, bool is_unix, std::string peer, std::string local) {
  clock_.Refresh();
  stats_.total_connections_received++;
  if (!set_->AdmitClient(config_->maxclients)) {
    static constexpr char kMsg[] = "-ERR max number of clients reached\r\n";
    const ssize_t n = write(fd, kMsg, sizeof(kMsg) - 1);
    (void)n;
    close(fd);
    stats_.rejected_connections++;
    return nullptr;
  }
  if (!is_unix) {
    net::SetKeepAlive(fd, static_cast<int>(config_->tcp_keepalive));
  }
  auto c = std::make_unique<Client>();
  c->id = set_->NextClientId();
  c->home = id_;
  c->authenticated = config_->requirepass.empty();
  c->created_ms = c->last_interaction_ms = clock_.NowMs();
  c->conn = std::make_unique<net::Connection>(base_, fd, this, &stats_.io, is_unix);
  c->conn->set_user_data(c.get());
  c->conn->set_addrs(std::move(peer), std::move(local));
  ApplyConnectionLimits(*c->conn, c->authenticated);
  Client* client = c.get();
  clients_.emplace(c->id, std::move(c));
  client->conn->Start();
  return client;
}

void Shard::AddMonitor(Client* c) {
  monitors_.push_back(c);
  set_->MonitorAdded();
}

void Shard::RemoveMonitor(Client* c) {
  if (std::erase(monitors_, c) > 0) {
    set_->MonitorRemoved();
  }
}

void Shard::FeedMonitorLine(const std::string& line, const Client* skip) {
  const std::vector<Client*> monitors = monitors_;  // closing one edits the list
  for (Client* m : monitors) {
    if (m == skip || m->conn->closed()) {
      continue;
    }
    m->conn->out().append(line);
    if (CheckOutputLimit(*m)) {
      m->conn->ScheduleFlush();
    }
  }
}

Client* Shard::FindClient(uint64_t id) {
  auto it = clients_.find(id);
  return it == clients_.end() ? nullptr : it->second.get();
}

size_t Shard::pubsub_clients() const {
  size_t n = 0;
  for (const auto& [id, c] : clients_) {
    n += c->subscriptions() > 0 ? 1 : 0;
  }
  return n;
}

bool Shard::OnRequest(net::Connection& conn, std::span<const std::string_view> args) {
  Client& c = *static_cast<Client*>(conn.user_data());
  if (migrating(c) || stopping_) {
    return false;  // runs on the new shard, or never (the server is stopping)
  }
  c.last_interaction_ms = clock_.NowMs();
  const bool done = handler_->OnRequest(*this, c, args);
  if (keyspace_.has_ready_keys()) {
    ServeReadyKeys();
  }
  const config::OutputBufferLimit& l = OutputLimitFor(c);
  if ((l.hard_bytes > 0 || l.soft_bytes > 0) && !conn.closed() && conn.pending_output() > 0) {
    CheckOutputLimit(c);
  }
  return done;
}

void Shard::OnProtocolError(net::Connection& conn, std::string_view error) {
  Client& c = *static_cast<Client*>(conn.user_data());
  if (error.find("query buffer") != std::string_view::npos) {
    stats_.query_limit_disconnections++;
  }
  RILL_LOG(kVerbose, "Protocol error (%.*s) from client id=%llu addr=%s; closing it",
           static_cast<int>(error.size()), error.data(), static_cast<unsigned long long>(c.id),
           conn.peer_addr().c_str());
  stats_.total_error_replies++;
  error_stats_["ERR"]++;
  net::ReplyBuilder rb(&conn.out(), c.resp);
  rb.Error("ERR " + std::string(error));
}

void Shard::OnClose(net::Connection& conn) {
  Client* c = static_cast<Client*>(conn.user_data());
  if (c->block.active) {
    Unblock(*c);
  }
  handler_->OnClientClose(*this, *c);
  auto it = clients_.find(c->id);
  if (it == clients_.end()) {
    return;
  }
  graveyard_.push_back(std::move(it->second));
  clients_.erase(it);
  set_->ClientGone();
  event_active(reap_ev_, 0, 0);
}

void Shard::ReapCallback(evutil_socket_t, short, void* arg) noexcept {
  static_cast<Shard*>(arg)->Reap();
}

void Shard::Reap() { graveyard_.clear(); }

bool Shard::CheckOutputLimit(Client& c) {
  const config::OutputBufferLimit& l = OutputLimitFor(c);
  const int64_t pending = static_cast<int64_t>(c.conn->pending_output());
  bool over = l.hard_bytes > 0 && pending > l.hard_bytes;
  if (!over && l.soft_bytes > 0 && pending > l.soft_bytes) {
    const int64_t now = clock_.NowMs();
    if (c.soft_limit_since_ms == 0) {
      c.soft_limit_since_ms = now;
    }
    over = now - c.soft_limit_since_ms >= l.soft_seconds * 1000;
  } else if (!over) {
    c.soft_limit_since_ms = 0;
  }
  if (!over) {
    return true;
  }
  RILL_LOG(kWarning,
           "Client id=%llu addr=%s closed for overcoming of output buffer limits (%lld bytes "
           "pending); raise client-output-buffer-limit if this client is expected to lag",
           static_cast<unsigned long long>(c.id), c.conn->peer_addr().c_str(),
           static_cast<long long>(pending));
  stats_.output_limit_disconnections++;
  c.conn->Close();
  return false;
}

void Shard::Pause(int64_t until_ms, bool write_only) {
  // As in Redis, a new pause can only extend the time or widen the scope.
  if (pause_until_ms_ > clock_.NowMs()) {
    pause_write_only_ = pause_write_only_ && write_only;
    pause_until_ms_ = std::max(pause_until_ms_, until_ms);
  } else {
    pause_write_only_ = write_only;
    pause_until_ms_ = until_ms;
  }
  const int64_t left_ms = std::max<int64_t>(0, pause_until_ms_ - clock_.NowMs());
  timeval tv{static_cast<time_t>(left_ms / 1000), static_cast<suseconds_t>(left_ms % 1000 * 1000)};
  evtimer_add(unpause_ev_, &tv);
}

void Shard::UnpauseCallback(evutil_socket_t, short, void* arg) noexcept {
  static_cast<Shard*>(arg)->clock_.Refresh();
  static_cast<Shard*>(arg)->Unpause();
}

void Shard::Unpause() {
  pause_until_ms_ = 0;
  evtimer_del(unpause_ev_);
  // Release in arrival order. A client released here may be held again only by a new
  // pause, which cannot start while this loop runs.
  std::deque<uint64_t> held;
  held.swap(held_);
  for (uint64_t id : held) {
    Client* c = FindClient(id);
    if (c != nullptr && c->paused) {
      c->paused = false;
      c->conn->Resume();
    }
  }
  RunForwards();
}

bool Shard::MustHold(bool is_write) const {
  if (pause_until_ms_ == 0 || pause_until_ms_ <= clock_.NowMs()) {
    return false;
  }
  return !pause_write_only_ || is_write;
}

void Shard::Hold(Client& c) {
  if (!c.paused) {
    c.paused = true;
    held_.push_back(c.id);
  }
}

void Shard::CronCallback(evutil_socket_t, short, void* arg) noexcept {
  Shard* s = static_cast<Shard*>(arg);
  s->Cron();
  s->ScheduleCron();
}

void Shard::ScheduleCron() {
  const int64_t period_us = 1000000 / std::max<int64_t>(1, config_->hz);
  timeval tv{static_cast<time_t>(period_us / 1000000),
             static_cast<suseconds_t>(period_us % 1000000)};
  evtimer_add(cron_ev_, &tv);
}

void Shard::Cron() {
  clock_.Refresh();
  stats_.peak_memory = std::max(stats_.peak_memory, memory::UsedMemory());
  cron_runs_++;
  const int64_t now = clock_.NowMs();
  // Active expiry may use a quarter of the cron period, as Redis's slow cycle does.
  keyspace_.ActiveExpireCycle(250000 / std::max<int64_t>(1, config_->hz));
  if (set_->persistence() != nullptr && !loading()) {
    set_->persistence()->Cron(*this);
  }
  if (keyspace_.has_ready_keys()) {
    ServeReadyKeys();  // an expired stream wakes its XREADGROUP readers
  }

  if (now - stats_.last_sample_ms >= 100) {
    const uint64_t ops = stats_.total_commands_processed;
    const int64_t dt = stats_.last_sample_ms == 0 ? 0 : now - stats_.last_sample_ms;
    stats_.ops_samples[stats_.ops_sample_idx] =
        dt > 0 ? (ops - stats_.last_sample_ops) * 1000 / static_cast<uint64_t>(dt) : 0;
    stats_.ops_sample_idx = (stats_.ops_sample_idx + 1) % ShardStats::kSamples;
    stats_.last_sample_ms = now;
    stats_.last_sample_ops = ops;
  }

  // Idle timeouts (not for subscribers, held or blocked clients, as in Redis) and soft output
  // limits of clients that receive pushes but send nothing.
  std::vector<Client*> to_close;
  for (auto& [id, c] : clients_) {
    if (config_->timeout > 0 && c->subscriptions() == 0 && !c->paused && !c->monitor &&
        !c->block.active && now - c->last_interaction_ms > config_->timeout * 1000) {
      to_close.push_back(c.get());
    } else if (c->soft_limit_since_ms != 0) {
      to_close.push_back(c.get());  // re-checked below; may still be within its grace
    }
  }
  for (Client* c : to_close) {
    if (c->conn->closed()) {
      continue;
    }
    if (c->soft_limit_since_ms != 0) {
      CheckOutputLimit(*c);
    } else {
      RILL_LOG(kVerbose, "Closing idle client id=%llu", static_cast<unsigned long long>(c->id));
      c->conn->Close();
    }
  }
}

}  // namespace rill::shard
