#!/usr/bin/env node
// Copyright (c) 2025 The Rill authors. BSD-3-Clause.
//
// redis-compat/clients/test_streams_ioredis.js: Rill's streams and consumer groups driven
// through the real, unmodified ioredis from npm (the exact version is pinned in
// ../package.json; `npm ci` in redis-compat/ installs it, deps/install-deps.sh does that).
//
// The scenarios are the ones a Node.js service runs: producers pipelining XADD, several
// consumers of one group sharing the work, a consumer that dies with work in hand and a peer
// that reclaims it with XAUTOCLAIM, a restarted consumer re-reading its history, blocking
// reads that time out or are woken by another connection, and malformed commands that must
// get a clear error while the connection stays usable. Expectations come from Redis 7.2's
// documented behaviour; ioredis hands back replies unchanged (arrays of strings, null for a
// null reply) and a ReplyError whose message is the whole error line ("ERR ...", "NOGROUP ...").
//
// Output: "ok   <test>" or "FAIL <test>: <why>" per test, then the line run.sh counts:
//   test_streams_ioredis: N passed, M failed
// and exit status 1 when anything failed.
//
// Environment: RILL_HOST (default 127.0.0.1), RILL_PORT (default 6379). Tests FLUSHALL freely.
// Run: RILL_PORT=6379 node test_streams_ioredis.js  (run.sh does this for you)
'use strict';

const assert = require('node:assert/strict');
const Redis = require('ioredis');

const HOST = process.env.RILL_HOST || '127.0.0.1';
const PORT = Number(process.env.RILL_PORT || 6379);
const NAME = 'test_streams_ioredis';

const opened = [];

// A connection that fails fast instead of retrying forever when the server is not there.
async function connect() {
  const c = new Redis({
    host: HOST,
    port: PORT,
    lazyConnect: true,
    connectTimeout: 5000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  c.on('error', () => {});  // surfaced through the failing command instead
  opened.push(c);
  await c.connect();
  return c;
}

function closeAll() {
  while (opened.length) {
    opened.pop().disconnect();
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Resolves with the rejection error of `promise`; fails when it resolves.
async function errorOf(promise) {
  try {
    const value = await promise;
    assert.fail(`expected an error, got ${JSON.stringify(value)}`);
  } catch (err) {
    if (err instanceof assert.AssertionError) {
      throw err;
    }
    return err;
  }
}

async function assertReplyError(promise, message) {
  const err = await errorOf(promise);
  assert.equal(err.name, 'ReplyError', `${err.name}: ${err.message}`);
  assert.equal(err.message, message);
}

// Waits until INFO clients reports at least n blocked clients.
async function waitBlocked(r, n = 1) {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const info = await r.info('clients');
    const m = /blocked_clients:(\d+)/.exec(info);
    if (m && Number(m[1]) >= n) {
      return;
    }
    await sleep(10);
  }
  assert.fail(`fewer than ${n} clients became blocked`);
}

const idsOf = (entries) => entries.map(([id]) => id);

// "ms-seq" ids as BigInt pairs, compared in stream order.
function idLess(a, b) {
  const [am, as] = a.split('-').map(BigInt);
  const [bm, bs] = b.split('-').map(BigInt);
  return am < bm || (am === bm && as < bs);
}

// --- Tests ---------------------------------------------------------------------------------

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

test('consumer group shares the work among several consumers', async (r) => {
  await r.xgroup('CREATE', 'orders', 'billing', '$', 'MKSTREAM');
  const producer = await connect();
  const pipe = producer.pipeline();
  for (let i = 0; i < 60; i++) {
    pipe.xadd('orders', '*', 'order', String(i), 'amount', String(i * 10));
  }
  const produced = (await pipe.exec()).map(([err, id]) => {
    assert.equal(err, null);
    return id;
  });

  const delivered = new Map();  // id -> consumer
  const worker = async (name) => {
    const c = await connect();
    for (;;) {
      const reply = await c.xreadgroup('GROUP', 'billing', name, 'COUNT', 7, 'BLOCK', 100,
                                       'STREAMS', 'orders', '>');
      if (reply === null) {
        return;
      }
      const [[stream, entries]] = reply;
      assert.equal(stream, 'orders');
      for (const [id, fields] of entries) {
        assert.ok(!delivered.has(id), `${id} delivered twice`);
        delivered.set(id, name);
        const n = Number(fields[1]);
        assert.deepEqual(fields, ['order', String(n), 'amount', String(n * 10)]);
      }
      assert.equal(await c.xack('orders', 'billing', ...idsOf(entries)), entries.length);
    }
  };
  await Promise.all(['w1', 'w2', 'w3'].map(worker));

  assert.deepEqual([...delivered.keys()].sort(), [...produced].sort());
  assert.ok(new Set(delivered.values()).size >= 2, 'the work was not shared');
  assert.deepEqual(await r.xpending('orders', 'billing'), [0, null, null, null]);
  const [group] = await r.xinfo('GROUPS', 'orders');
  assert.deepEqual(group, ['name', 'billing', 'consumers', 3, 'pending', 0,
                           'last-delivered-id', produced[59], 'entries-read', 60, 'lag', 0]);
});

test('a dead consumer\'s entries are reclaimed with XAUTOCLAIM', async (r) => {
  await r.xgroup('CREATE', 'jobs', 'workers', '$', 'MKSTREAM');
  for (let i = 1; i <= 8; i++) {
    await r.xadd('jobs', `${i}-0`, 'job', String(i));
  }
  const alice = await connect();
  const [[, taken]] = await alice.xreadgroup('GROUP', 'workers', 'alice', 'COUNT', 5,
                                             'STREAMS', 'jobs', '>');
  assert.deepEqual(idsOf(taken), ['1-0', '2-0', '3-0', '4-0', '5-0']);
  await alice.xack('jobs', 'workers', '1-0');
  alice.disconnect();  // dies with 2-0 .. 5-0 in hand

  const bob = await connect();
  // Nothing has been idle for 60 s yet.
  assert.deepEqual(await bob.xautoclaim('jobs', 'workers', 'bob', 60000, '0-0'),
                   ['0-0', [], []]);
  await r.xdel('jobs', '3-0');  // meanwhile an operator deletes one job
  await sleep(150);
  // A deleted entry counts towards COUNT and is listed (and dropped) once.
  const first = await bob.xautoclaim('jobs', 'workers', 'bob', 100, '0-0', 'COUNT', 2);
  assert.deepEqual(first, ['4-0', [['2-0', ['job', '2']]], ['3-0']]);
  const second = await bob.xautoclaim('jobs', 'workers', 'bob', 100, first[0], 'COUNT', 10);
  assert.deepEqual(second, ['0-0', [['4-0', ['job', '4']], ['5-0', ['job', '5']]], []]);

  const detail = await r.xpending('jobs', 'workers', '-', '+', 10);
  assert.deepEqual(detail.map(([id, owner, , count]) => [id, owner, count]),
                   [['2-0', 'bob', 2], ['4-0', 'bob', 2], ['5-0', 'bob', 2]]);
  assert.equal(await bob.xack('jobs', 'workers', '2-0', '4-0', '5-0'), 3);

  // JUSTID: ids only, and the delivery counter is left alone.
  await bob.xreadgroup('GROUP', 'workers', 'bob', 'STREAMS', 'jobs', '>');
  assert.deepEqual(await r.xautoclaim('jobs', 'workers', 'carol', 0, '0', 'JUSTID'),
                   ['0-0', ['6-0', '7-0', '8-0'], []]);
  const counts = (await r.xpending('jobs', 'workers', '-', '+', 10)).map((row) => row[3]);
  assert.deepEqual(counts, [1, 1, 1]);
  const consumers = await r.xinfo('CONSUMERS', 'jobs', 'workers');
  const pending = Object.fromEntries(consumers.map((c) => [c[1], c[3]]));
  assert.deepEqual(pending, { alice: 0, bob: 0, carol: 3 });
});

test('a restarted consumer re-reads its history', async (r) => {
  for (let i = 1; i <= 5; i++) {
    await r.xadd('events', `${i}-0`, 'n', String(i));
  }
  await r.xgroup('CREATE', 'events', 'g', '0');
  const first = await connect();
  await first.xreadgroup('GROUP', 'g', 'worker', 'COUNT', 3, 'STREAMS', 'events', '>');
  first.disconnect();

  const restarted = await connect();
  const history = await restarted.xreadgroup('GROUP', 'g', 'worker', 'STREAMS', 'events', '0');
  assert.deepEqual(history, [['events', [['1-0', ['n', '1']], ['2-0', ['n', '2']],
                                         ['3-0', ['n', '3']]]]]);
  await restarted.xack('events', 'g', '1-0');
  await r.xdel('events', '2-0');
  const again = await restarted.xreadgroup('GROUP', 'g', 'worker', 'STREAMS', 'events', '0');
  assert.deepEqual(again, [['events', [['2-0', null], ['3-0', ['n', '3']]]]]);
  const after = await restarted.xreadgroup('GROUP', 'g', 'worker', 'COUNT', 1,
                                           'STREAMS', 'events', '2-0');
  assert.deepEqual(idsOf(after[0][1]), ['3-0']);
  await restarted.xack('events', 'g', '2-0', '3-0');
  assert.deepEqual(await restarted.xreadgroup('GROUP', 'g', 'worker', 'STREAMS', 'events', '0'),
                   [['events', []]]);
  // Then it switches to new entries.
  const fresh = await restarted.xreadgroup('GROUP', 'g', 'worker', 'STREAMS', 'events', '>');
  assert.deepEqual(idsOf(fresh[0][1]), ['4-0', '5-0']);
});

test('blocking reads time out with a null reply', async (r) => {
  await r.xadd('s', '1-0', 'a', '1');
  await r.xgroup('CREATE', 's', 'g', '$');
  let start = Date.now();
  assert.equal(await r.xread('BLOCK', 200, 'STREAMS', 's', '$'), null);
  let elapsed = Date.now() - start;
  assert.ok(elapsed >= 150 && elapsed < 2000, `XREAD blocked ${elapsed} ms`);
  start = Date.now();
  assert.equal(await r.xreadgroup('GROUP', 'g', 'c', 'BLOCK', 200, 'STREAMS', 's', '>'), null);
  elapsed = Date.now() - start;
  assert.ok(elapsed >= 150 && elapsed < 2000, `XREADGROUP blocked ${elapsed} ms`);
  // Data already there: no wait at all.
  start = Date.now();
  const reply = await r.xread('BLOCK', 5000, 'STREAMS', 's', '0');
  assert.deepEqual(reply, [['s', [['1-0', ['a', '1']]]]]);
  assert.ok(Date.now() - start < 1000);
});

test('blocking reads are woken by XADD on another connection', async (r) => {
  await r.xgroup('CREATE', 's', 'g', '$', 'MKSTREAM');
  const reader = await connect();
  const groupReader = await connect();
  const plain = reader.xread('BLOCK', 0, 'STREAMS', 's', 'other', '$', '$');
  const grouped = groupReader.xreadgroup('GROUP', 'g', 'c', 'BLOCK', 5000, 'STREAMS', 's', '>');
  await waitBlocked(r, 2);
  const id = await r.xadd('s', '*', 'hello', 'world');
  assert.deepEqual(await plain, [['s', [[id, ['hello', 'world']]]]]);
  assert.deepEqual(await grouped, [['s', [[id, ['hello', 'world']]]]]);
  assert.deepEqual(await r.xpending('s', 'g'), [1, id, id, [['c', '1']]]);
});

test('CLIENT UNBLOCK releases a blocked reader', async (r) => {
  const reader = await connect();
  const id = await reader.client('ID');
  const timedOut = reader.xread('BLOCK', 0, 'STREAMS', 's', '$');
  await waitBlocked(r);
  assert.equal(await r.client('UNBLOCK', id, 'TIMEOUT'), 1);
  assert.equal(await timedOut, null);
  // The error may reach the reader before UNBLOCK's own reply reaches r: its handler is
  // attached at once, or Node would call the rejection unhandled.
  const failed = errorOf(reader.xread('BLOCK', 0, 'STREAMS', 's', '$'));
  await waitBlocked(r);
  assert.equal(await r.client('UNBLOCK', id, 'ERROR'), 1);
  const err = await failed;
  assert.equal(err.name, 'ReplyError', `${err.name}: ${err.message}`);
  assert.equal(err.message, 'UNBLOCKED client unblocked via CLIENT UNBLOCK');
  assert.equal(await reader.ping(), 'PONG');
});

test('pipelined XADD: increasing ids, errors stay in their slot', async (r) => {
  const pipe = r.pipeline();
  for (let i = 0; i < 1000; i++) {
    pipe.xadd('firehose', '*', 'i', String(i));
  }
  const results = await pipe.exec();
  const ids = results.map(([err, id]) => {
    assert.equal(err, null);
    return id;
  });
  for (let i = 1; i < ids.length; i++) {
    assert.ok(idLess(ids[i - 1], ids[i]), `${ids[i - 1]} !< ${ids[i]}`);
  }
  assert.equal(await r.xlen('firehose'), 1000);
  const last = await r.xrevrange('firehose', '+', '-', 'COUNT', 1);
  assert.deepEqual(last, [[ids[999], ['i', '999']]]);

  const mixed = await r.pipeline()
    .xadd('p', '5-0', 'a', '1')
    .xadd('p', '4-0', 'a', '2')
    .xadd('p', '5-*', 'a', '3')
    .xlen('p')
    .exec();
  assert.deepEqual(mixed[0], [null, '5-0']);
  assert.equal(mixed[1][0].message,
               'ERR The ID specified in XADD is equal or smaller than the target stream top item');
  assert.deepEqual(mixed[2], [null, '5-1']);
  assert.deepEqual(mixed[3], [null, 2]);

  const tx = await r.multi().xadd('t', '1-0', 'a', '1').xadd('t', '2-0', 'b', '2')
    .xrange('t', '-', '+').exec();
  assert.deepEqual(tx, [[null, '1-0'], [null, '2-0'],
                        [null, [['1-0', ['a', '1']], ['2-0', ['b', '2']]]]]);
});

test('MAXLEN trimming and binary values through the Buffer API', async (r) => {
  for (let i = 1; i <= 10; i++) {
    await r.xadd('capped', 'MAXLEN', '=', 3, `${i}-0`, 'i', String(i));
  }
  assert.deepEqual(idsOf(await r.xrange('capped', '-', '+')), ['8-0', '9-0', '10-0']);
  const value = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  await r.xadd('bin', '1-0', 'payload', value);
  const [[id, [field, got]]] = await r.xrangeBuffer('bin', '-', '+');
  assert.equal(id.toString(), '1-0');
  assert.equal(field.toString(), 'payload');
  assert.ok(got.equals(value), 'binary value changed on the way');
});

test('malformed arguments get clear errors and the connection survives', async (r) => {
  await r.set('plain', 'v');
  await r.xadd('s', '1-0', 'a', '1');
  await r.xgroup('CREATE', 's', 'g', '0');
  const cases = [
    [r.xadd('s', '*', 'field-without-value'), "ERR wrong number of arguments for 'xadd' command"],
    [r.xadd('s', 'not-an-id', 'a', '1'),
     'ERR Invalid stream ID specified as stream command argument'],
    [r.xadd('s', '0-0', 'a', '1'), 'ERR The ID specified in XADD must be greater than 0-0'],
    [r.xadd('s', '1-0', 'a', '1'),
     'ERR The ID specified in XADD is equal or smaller than the target stream top item'],
    [r.xadd('s', 'MAXLEN', '-1', '*', 'a', '1'), 'ERR The MAXLEN argument must be >= 0.'],
    [r.xadd('plain', '*', 'a', '1'),
     'WRONGTYPE Operation against a key holding the wrong kind of value'],
    [r.xrange('s', 'x', '+'), 'ERR Invalid stream ID specified as stream command argument'],
    [r.xread('STREAMS', 's', 't', '0'),
     "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be " +
     'specified.'],
    [r.xread('BLOCK', '-5', 'STREAMS', 's', '0'), 'ERR timeout is negative'],
    [r.xreadgroup('GROUP', 'nope', 'c', 'STREAMS', 's', '>'),
     "NOGROUP No such key 's' or consumer group 'nope' in XREADGROUP with GROUP option"],
    [r.xgroup('CREATE', 's', 'g', '$'), 'BUSYGROUP Consumer Group name already exists'],
    [r.xgroup('CREATE', 'missing', 'g', '$'),
     'ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want ' +
     'to use the MKSTREAM option to create an empty stream automatically.'],
    [r.xclaim('s', 'g', 'c', 'soon', '1-0'), 'ERR Invalid min-idle-time argument for XCLAIM'],
    [r.xautoclaim('s', 'g', 'c', 0, '0', 'COUNT', 0), 'ERR COUNT must be > 0'],
    [r.xinfo('STREAM', 'missing'), 'ERR no such key'],
    [r.call('XSETID', 's', '0-5'),
     'ERR The ID specified in XSETID is smaller than the target stream top item'],
  ];
  for (const [promise, message] of cases) {
    await assertReplyError(promise, message);
  }
  assert.equal(await r.ping(), 'PONG');
  assert.equal(await r.xlen('s'), 1);
  assert.equal(await r.exists('missing'), 0);
});

// --- Runner --------------------------------------------------------------------------------

async function main() {
  let passed = 0;
  let failed = 0;
  for (const { name, fn } of tests) {
    try {
      const r = await connect();
      await r.flushall();
      await fn(r);
      passed++;
      console.log(`ok   ${name}`);
    } catch (err) {
      failed++;
      console.log(`FAIL ${name}: ${err && err.stack ? err.stack : err}`);
    } finally {
      closeAll();
    }
  }
  console.log(`${NAME}: ${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

main();
