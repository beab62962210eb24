/**
 * Measurements that run inside the page (passed to `page.evaluate`, so each is self-contained).
 * "Painted" means: the DOM change is in, a frame has been produced (requestAnimationFrame) and the
 * task after that frame has run — the usual in-page approximation of "on screen".
 */

/** Clicks `clickSelector`, then times until `doneSelector` matches (and `doneCheck` holds) and is painted. */
export function timeClickToPaint(args: {
  clickSelector: string;
  doneSelector: string;
  /** Also wait for the scroll container to sit at its end (jump to newest). */
  atEndSelector?: string;
  timeoutMs: number;
}): Promise<number> {
  const afterPaint = () =>
    new Promise<number>((resolve) =>
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => resolve(performance.now());
        channel.port2.postMessage(0);
      }),
    );
  const done = () => {
    if (!document.querySelector(args.doneSelector)) return false;
    if (!args.atEndSelector) return true;
    const el = document.querySelector(args.atEndSelector) as HTMLElement | null;
    return !!el && el.scrollTop + el.clientHeight >= el.scrollHeight - 2;
  };
  return new Promise((resolve, reject) => {
    const target = document.querySelector(args.clickSelector) as HTMLElement | null;
    if (!target) return reject(new Error(`nothing matches ${args.clickSelector}`));
    const started = performance.now();
    const deadline = started + args.timeoutMs;
    // Checked on every DOM change and every frame: whichever shows it first.
    let finished = false;
    const check = () => {
      if (finished) return;
      if (done()) {
        finished = true;
        observer.disconnect();
        void afterPaint().then((at) => resolve(at - started));
      } else if (performance.now() > deadline) {
        finished = true;
        observer.disconnect();
        reject(new Error(`${args.doneSelector} not painted within ${args.timeoutMs} ms`));
      } else {
        requestAnimationFrame(check);
      }
    };
    const observer = new MutationObserver(check);
    observer.observe(document.body, { childList: true, subtree: true, attributes: true });
    target.click();
    requestAnimationFrame(check);
  });
}

/** Scrolls `selector` up by `step` px every frame for `frames` frames; frame times from rAF. */
export function scrollFrames(args: { selector: string; frames: number; step: number }): Promise<{
  fps: number;
  p95FrameMs: number;
  longFrames: number;
  travelledPx: number;
}> {
  const el = document.querySelector(args.selector) as HTMLElement | null;
  if (!el) return Promise.reject(new Error(`nothing matches ${args.selector}`));
  const stamps: number[] = [];
  let travelled = 0;
  return new Promise((resolve) => {
    const frame = (t: number) => {
      stamps.push(t);
      if (stamps.length > args.frames) {
        const gaps = stamps.slice(1).map((s, i) => s - stamps[i]!);
        const sorted = [...gaps].sort((a, b) => a - b);
        resolve({
          fps: (gaps.length * 1000) / (stamps.at(-1)! - stamps[0]!),
          p95FrameMs: sorted[Math.floor(sorted.length * 0.95)]!,
          longFrames: gaps.filter((g) => g > 1000 / 55).length,
          travelledPx: travelled,
        });
        return;
      }
      const before = el.scrollTop;
      el.scrollTop = Math.max(0, before - args.step);
      travelled += before - el.scrollTop;
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
}

/**
 * The baseline page: what plain DOM costs here. Puts a `#go` button that renders `rows` plain rows
 * into a scroll box `#plain` scrolled to its end, and an `#end` button that jumps back to the end.
 */
export function installPlainList(args: { rows: number; text: string }): void {
  document.body.replaceChildren();
  const box = document.createElement('section');
  box.id = 'plain';
  box.style.cssText = 'height: 600px; overflow-y: auto; font: 14px sans-serif';
  const go = document.createElement('button');
  go.id = 'go';
  go.textContent = 'go';
  go.onclick = () => {
    const fragment = document.createDocumentFragment();
    for (let i = 1; i <= args.rows; i++) {
      const row = document.createElement('div');
      row.className = 'row';
      row.dataset.seq = String(i);
      row.style.cssText = 'padding: 6px 12px; border-bottom: 1px solid #eee';
      const name = document.createElement('strong');
      name.textContent = `Person ${i % 4} `;
      row.append(name, document.createTextNode(`${args.text} #${i}`));
      fragment.append(row);
    }
    box.replaceChildren(fragment);
    box.scrollTop = box.scrollHeight;
  };
  const end = document.createElement('button');
  end.id = 'end';
  end.textContent = 'end';
  end.onclick = () => {
    box.scrollTop = box.scrollHeight;
  };
  document.body.append(go, end, box);
}

/**
 * Flings `selector` to its top `pages` times, each time waiting (at most 2 s) for the stub to serve the
 * next older page: a reader going far back in a long history. Returns the pages that arrived.
 */
export async function flingToTop(args: { selector: string; pages: number }): Promise<number> {
  const el = document.querySelector(args.selector) as HTMLElement | null;
  if (!el) throw new Error(`nothing matches ${args.selector}`);
  const served = () => (window as unknown as { __stubServed?: number }).__stubServed ?? 0;
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  let arrived = 0;
  for (let page = 0; page < args.pages; page++) {
    const before = served();
    const deadline = performance.now() + 2_000;
    // Held at the top every frame, as a reader dragging the scrollbar up would.
    while (served() === before && performance.now() < deadline) {
      el.scrollTop = 0;
      await frame();
    }
    if (served() === before) break;
    arrived++;
  }
  return arrived;
}
