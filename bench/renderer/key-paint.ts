/**
 * Input latency in the page: from each keydown in the composer (the event's own timestamp, when the
 * browser received the key) to the frame after it painted, the task after that frame included (as
 * in-page.ts defines "painted"). Installed once with `page.evaluate`; the keys are typed by
 * Playwright (trusted input), and the samples read back from `window.__keyPaints`.
 */
export function recordKeyPaints(args: { selector: string }): void {
  const w = window as unknown as { __keyPaints: number[] };
  w.__keyPaints = [];
  document.addEventListener(
    'keydown',
    (event) => {
      if (!(event.target instanceof Element) || !event.target.matches(args.selector)) return;
      const received = event.timeStamp;
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => w.__keyPaints.push(performance.now() - received);
        channel.port2.postMessage(0);
      });
    },
    { capture: true },
  );
}

/** The samples so far, and starts afresh. */
export function takeKeyPaints(): number[] {
  const w = window as unknown as { __keyPaints: number[] };
  return w.__keyPaints.splice(0);
}
