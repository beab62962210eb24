// `node bench/writer-hop.mjs [TRIPS] [GAP_MS]` (BENCHMARKS.md, "hop2"): the round trip to an idle worker thread and
// back, one trip every GAP_MS as in figure 1, by each handoff the writer could use.
import { Worker } from 'node:worker_threads';

const N = Number(process.argv[2] ?? 2000),
  GAP = Number(process.argv[3] ?? 1);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (a, q) => {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const worker = (src) => new Worker(src, { eval: true });
async function run(name, setup) {
  const { trip, stop } = await setup();
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
  console.log(
    `${name.padEnd(48)} p50 ${pct(t, 0.5).toFixed(1)} µs  p90 ${pct(t, 0.9).toFixed(1)}  p99 ${pct(t, 0.99).toFixed(1)}  main cpu/trip ${((cpu.user + cpu.system) / N).toFixed(0)} µs (incl. timers)`,
  );
  await stop();
}
// (a) postMessage both ways, worker idle in libuv
await run('postMessage both ways', async () => {
  const w = worker(
    `const {parentPort}=require('node:worker_threads');parentPort.on('message',(m)=>parentPort.postMessage(m));`,
  );
  let done;
  w.on('message', () => done());
  return {
    trip: () =>
      new Promise((r) => {
        done = r;
        w.postMessage({
          type: 'batch',
          ops: [{ kind: 'insertMessage', message: { id: 'x', content: 'hello' } }],
        });
      }),
    stop: () => w.terminate(),
  };
});
// (b) SAB: worker blocks in Atomics.wait; main notifies; reply by postMessage
await run('Atomics.wait in worker, reply by postMessage', async () => {
  const sab = new SharedArrayBuffer(8);
  const a = new Int32Array(sab);
  const w = new Worker(
    `const {parentPort,workerData}=require('node:worker_threads');const a=new Int32Array(workerData);let seen=0;
   for(;;){Atomics.wait(a,0,seen);seen=Atomics.load(a,0);if(seen<0)break;parentPort.postMessage(seen);}`,
    { eval: true, workerData: sab },
  );
  let done;
  w.on('message', () => done());
  return {
    trip: () =>
      new Promise((r) => {
        done = r;
        Atomics.add(a, 0, 1);
        Atomics.notify(a, 0);
      }),
    stop: async () => {
      Atomics.store(a, 0, -1);
      Atomics.notify(a, 0);
      await w.terminate();
    },
  };
});
// (c) worker spins (never sleeps); reply by postMessage
await run('worker spinning, reply by postMessage', async () => {
  const sab = new SharedArrayBuffer(8);
  const a = new Int32Array(sab);
  const w = new Worker(
    `const {parentPort,workerData}=require('node:worker_threads');const a=new Int32Array(workerData);let seen=0;
   for(;;){let v;while((v=Atomics.load(a,0))===seen){}seen=v;if(seen<0)break;parentPort.postMessage(seen);}`,
    { eval: true, workerData: sab },
  );
  let done;
  w.on('message', () => done());
  return {
    trip: () =>
      new Promise((r) => {
        done = r;
        Atomics.add(a, 0, 1);
      }),
    stop: async () => {
      Atomics.store(a, 0, -1);
      await w.terminate();
    },
  };
});
// (d) Atomics.wait in worker; main waits with Atomics.waitAsync
await run('Atomics.wait in worker, Atomics.waitAsync on main', async () => {
  const sab = new SharedArrayBuffer(8);
  const a = new Int32Array(sab);
  const w = new Worker(
    `const {workerData}=require('node:worker_threads');const a=new Int32Array(workerData);let seen=0;
   for(;;){Atomics.wait(a,0,seen);seen=Atomics.load(a,0);if(seen<0)break;Atomics.store(a,1,seen);Atomics.notify(a,1);}`,
    { eval: true, workerData: sab },
  );
  let n = 0;
  return {
    trip: async () => {
      n++;
      Atomics.store(a, 0, n);
      Atomics.notify(a, 0);
      const r = Atomics.waitAsync(a, 1, n - 1);
      if (r.async) await r.value;
    },
    stop: async () => {
      Atomics.store(a, 0, -1);
      Atomics.notify(a, 0);
      await w.terminate();
    },
  };
});
// (e) no hop: a promise resolved inline (the floor)
await run('no hop (inline)', async () => ({ trip: () => Promise.resolve(), stop: async () => {} }));
