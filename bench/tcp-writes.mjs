/**
 * `NODE_OPTIONS="--import ./bench/tcp-writes.mjs" TCP_WRITES_DIR=DIR npm run bench -- --only 6`: counts every
 * process's writes to TCP sockets (each `_write` / `_writev` that reaches a socket's handle is one system
 * call) and the chunks they carried, into DIR/PID.json (argv, writes, writevs, chunks, and writevs by size).
 * A measuring tool, not part of the bench (BENCHMARKS.md, replay21): it says whether a burst of frames left
 * in one write, in the bench's own processes, without strace attached to them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';

const dir = process.env.TCP_WRITES_DIR;
if (dir) {
  mkdirSync(dir, { recursive: true });
  const proto = net.Socket.prototype;
  const counted = { writes: 0, writevs: 0, chunks: 0, writevsByChunks: {} };
  const isTcp = (socket) => socket._handle?.constructor?.name === 'TCP';
  const bucket = (n) => (n > 64 ? '65+' : n > 16 ? '17-64' : n > 4 ? '5-16' : String(n));
  const write = proto._write;
  const writev = proto._writev;
  proto._write = function (data, encoding, callback) {
    if (isTcp(this)) {
      counted.writes++;
      counted.chunks++;
    }
    return write.call(this, data, encoding, callback);
  };
  proto._writev = function (chunks, callback) {
    if (isTcp(this)) {
      counted.writevs++;
      counted.chunks += chunks.length;
      const b = bucket(chunks.length);
      counted.writevsByChunks[b] = (counted.writevsByChunks[b] ?? 0) + 1;
    }
    return writev.call(this, chunks, callback);
  };
  const dump = () => {
    const argv = process.argv.slice(1).join(' ');
    writeFileSync(join(dir, `${process.pid}.json`), JSON.stringify({ argv, ...counted }));
  };
  process.on('exit', dump);
  // A child stopped with a signal has no exit event: the counts as of the last second.
  setInterval(dump, 1000).unref();
}
