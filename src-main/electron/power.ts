/**
 * Tells the core when the machine wakes up or the network comes and goes, so it reconnects at once
 * instead of waiting out a backoff. Electron's main process has no online/offline event, so
 * `net.isOnline()` is sampled; the sample is cheap (a cached flag in Chromium's network service).
 */
import { net, powerMonitor } from 'electron';

export function watchPowerAndNetwork(
  core: { resume(): void; networkChanged(online: boolean): void },
  intervalMs = 3000,
): () => void {
  const resume = () => core.resume();
  powerMonitor.on('resume', resume);
  powerMonitor.on('unlock-screen', resume);

  let online = net.isOnline();
  const timer = setInterval(() => {
    const now = net.isOnline();
    if (now !== online) {
      online = now;
      core.networkChanged(now);
    }
  }, intervalMs);
  timer.unref?.();

  return () => {
    powerMonitor.off('resume', resume);
    powerMonitor.off('unlock-screen', resume);
    clearInterval(timer);
  };
}
