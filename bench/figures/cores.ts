/** Shared by figures 2 and 6: a core-host process with real cores signed in to a real server. */
import type { Child } from '../lib/proc';
import type { Bench, Subject } from './context';

export interface OpenedCore {
  userId: string;
  channels: { id: string; name: string }[];
}

export async function coreHost(bench: Bench): Promise<Child> {
  const child = bench.spawn(
    'core-host',
    'bench/cores/core-host.ts',
    [bench.dataDir('cores')],
    bench.profileArgs('core-host'),
  );
  await child.waitFor('ready', 60_000);
  return child;
}

/** Signs a core in as a demo user (`alice`, `bob`: password `password`, seeded by --demo). */
export function openCore(host: Child, server: Subject, name: string, username: string): Promise<OpenedCore> {
  return host.call<OpenedCore>('open', { name, serverUrl: server.url, username }, 60_000);
}

/** The demo channel `random` (alice and bob). */
export function randomChannel(core: OpenedCore): string {
  const channel = core.channels.find((c) => c.name === 'random');
  if (!channel) throw new Error('the demo channel "random" is missing');
  return channel.id;
}
