/**
 * Tells the core when the machine wakes up or the network comes and goes, so it reconnects at once
 * instead of waiting out a backoff. Electron's main process has no online/offline event, so
 * `net.isOnline()` is sampled; the sample is cheap (a cached flag in Chromium's network service).
 * The system idle time is sampled the same way: past IDLE_AFTER_MS the person shows as away.
 */
import { net, powerMonitor } from 'electron';
import { IDLE_AFTER_MS } from '../../src-shared/bridge';

export function watchPowerAndNetwork(
  core: { resume(): void; networkChanged(online: boolean): void; systemIdle(idle: boolean): void },
  intervalMs = 3000,
): () => void {
  const resume = () => core.resume();
  powerMonitor.on('resume', resume);
  powerMonitor.on('unlock-screen', resume);

  let online = net.isOnline();
  let idle = false;
  const timer = setInterval(() => {
    const now = net.isOnline();
    if (now !== online) {
      online = now;
      core.networkChanged(now);
    }
    const idleNow = powerMonitor.getSystemIdleTime() * 1000 >= IDLE_AFTER_MS;
    if (idleNow !== idle) {
      idle = idleNow;
      core.systemIdle(idleNow);
    }
  }, intervalMs);
  timer.unref?.();

  return () => {
    powerMonitor.off('resume', resume);
    powerMonitor.off('unlock-screen', resume);
    clearInterval(timer);
  };
}
