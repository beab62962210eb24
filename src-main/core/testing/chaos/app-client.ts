/** Spawns an app child (app-child.ts) and calls it: one promise per request, answered by id. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AppRequest, AppResponse } from './protocol';

const REPO_ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
const SCRIPT = 'src-main/core/testing/chaos/app-child.ts';

type Body = AppRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export interface AppChild {
  call(req: Body): Promise<AppResponse>;
  /** kill -9, resolved once the process is gone; calls still waiting are rejected. */
  kill(): Promise<void>;
}

export function spawnApp(userData: string, serverUrl: string, username: string): Promise<AppChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, userData, serverUrl, username], {
    cwd: REPO_ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const waiting = new Map<number, { resolve: (r: AppResponse) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      for (const w of waiting.values()) w.reject(new Error(`app ${username} exited (${code ?? signal})`));
      waiting.clear();
      resolve();
    }),
  );
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.once('exit', (code) => reject(new Error(`app ${username} exited before ready (${code})`)));
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (!line.startsWith('{')) continue;
        const msg = JSON.parse(line) as AppResponse & { ready?: boolean };
        if (msg.ready) resolve(app);
        else waiting.get(msg.id)?.resolve(msg);
        waiting.delete(msg.id);
      }
    });
    const app: AppChild = {
      call(req) {
        const id = nextId++;
        return new Promise((res, rej) => {
          waiting.set(id, { resolve: res, reject: rej });
          child.stdin.write(`${JSON.stringify({ ...req, id })}\n`);
        });
      },
      async kill() {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await exited;
      },
    };
  });
}
