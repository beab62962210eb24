// `node bench/writer-hop.mjs [TRIPS] [GAP_MS]` (BENCHMARKS.md, "hop2"): the round trip to an idle worker
// thread and back, one trip every GAP_MS as figure 1 paces its messages, by each handoff the SQLite
// writer could use. Main-thread CPU a trip includes the GAP_MS timer.
import { Worker } from 'node:worker_threads';

const N = Number(process.argv[2] ?? 2000);
const GAP = Number(process.argv[3] ?? 1);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (a, q) => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(q * a.length))];

async function run(name, { trip, stop }) {
  for (let i = 0; i < 200; i++) {
    await trip();
    await sleep(GAP);
  }
  const t = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < N; i++) {
    const s = performance.now();
    await trip();
    t.push((performance.now() - s) * 1000);
    await sleep(GAP);
  }
  const cpu = process.cpuUsage(cpu0);
  const f = (q) => pct(t, q).toFixed(1);
  const perTrip = ((cpu.user + cpu.system) / N).toFixed(0);
  console.log(
    `${name.padEnd(52)} p50 ${f(0.5)} µs  p90 ${f(0.9)}  p99 ${f(0.99)}  main CPU a trip ${perTrip} µs`,
  );
  await stop();
}

/**
 * A worker on a shared Int32Array: word 0 is the main thread's trip counter (-1: stop). `wait` is how
 * the worker waits for the next trip, `reply` how it answers (a message, or word 1 and a notify).
 */
function shared(wait, reply) {
  const words = new Int32Array(new SharedArrayBuffer(8));
  const worker = new Worker(
    `const { parentPort, workerData: a } = require('node:worker_threads');
     let seen = 0;
     for (;;) { ${wait}; seen = Atomics.load(a, 0); if (seen < 0) break; ${reply}; }`,
    { eval: true, workerData: words },
  );
  let done;
  worker.on('message', () => done());
  let n = 0;
  const next = () => {
    Atomics.store(words, 0, ++n);
    Atomics.notify(words, 0);
  };
  return {
    byMessage: () =>
      new Promise((resolve) => {
        done = resolve;
        next();
      }),
    byWaitAsync: async () => {
      next();
      const r = Atomics.waitAsync(words, 1, n - 1);
      if (r.async) await r.value;
    },
    stop: async () => {
      Atomics.store(words, 0, -1);
      Atomics.notify(words, 0);
      await worker.terminate();
    },
  };
}

const sleeping = 'Atomics.wait(a, 0, seen)';
const spinning = 'while (Atomics.load(a, 0) === seen) {}';
const byMessage = 'parentPort.postMessage(seen)';
const byNotify = 'Atomics.store(a, 1, seen); Atomics.notify(a, 1)';

{
  const worker = new Worker(
    `const { parentPort } = require('node:worker_threads');
     parentPort.on('message', (m) => parentPort.postMessage(m));`,
    { eval: true },
  );
  let done;
  worker.on('message', () => done());
  const op = { kind: 'insertMessage', message: { id: 'x', content: 'hello' } };
  await run('postMessage both ways (the writer thread before hop2)', {
    trip: () =>
      new Promise((resolve) => {
        done = resolve;
        worker.postMessage({ type: 'batch', ops: [op] });
      }),
    stop: () => worker.terminate(),
  });
}
const waitThenMessage = shared(sleeping, byMessage);
await run('Atomics.wait in the worker, reply by postMessage', {
  ...waitThenMessage,
  trip: waitThenMessage.byMessage,
});
const spinThenMessage = shared(spinning, byMessage);
await run('worker spinning, reply by postMessage', { ...spinThenMessage, trip: spinThenMessage.byMessage });
const waitBothWays = shared(sleeping, byNotify);
await run('Atomics.wait in the worker, Atomics.waitAsync on main', {
  ...waitBothWays,
  trip: waitBothWays.byWaitAsync,
});
await run('no hop: a promise resolved inline', { trip: () => Promise.resolve(), stop: async () => {} });
