import { cleanup } from '@testing-library/react';
import { afterEach, beforeEach } from 'vitest';

/**
 * happy-dom does no layout: every box is 0×0, so a virtual list would think it has no room for any
 * row. This gives the message scroller a viewport and each virtual row a height, as a browser would,
 * for the duration of a test. Only the boxes the virtualizer reads are touched, and programmatic
 * scrolls fire `scroll` as in a browser.
 */
export const VIEWPORT_HEIGHT = 600;
export const ROW_HEIGHT = 40;

type Restore = () => void;

function override(
  property: 'clientHeight' | 'clientWidth' | 'offsetHeight' | 'scrollHeight',
  get: (el: HTMLElement) => number | undefined,
): Restore {
  const original =
    Object.getOwnPropertyDescriptor(HTMLElement.prototype, property) ??
    Object.getOwnPropertyDescriptor(Element.prototype, property);
  Object.defineProperty(HTMLElement.prototype, property, {
    configurable: true,
    get(this: HTMLElement) {
      return get(this) ?? (original?.get?.call(this) as number | undefined) ?? 0;
    },
  });
  return () => {
    delete (HTMLElement.prototype as unknown as Record<string, unknown>)[property];
    if (original && !Object.getOwnPropertyDescriptor(Element.prototype, property)) {
      Object.defineProperty(HTMLElement.prototype, property, original);
    }
  };
}

const isScroller = (el: HTMLElement) => el.classList.contains('message-scroll');

/** Browsers fire `scroll` after a programmatic scroll; happy-dom does not. */
function fireScrollAfterScrollTo(): Restore {
  const prototype = Element.prototype as Element & { scrollTo: Element['scrollTo'] };
  const original = prototype.scrollTo;
  prototype.scrollTo = function (this: Element, ...args: Parameters<Element['scrollTo']>) {
    original.apply(this, args);
    setTimeout(() => this.dispatchEvent(new Event('scroll')), 0);
  } as Element['scrollTo'];
  return () => {
    prototype.scrollTo = original;
  };
}

export function installLayout(): Restore {
  const restores = [
    fireScrollAfterScrollTo(),
    override('clientHeight', (el) => (isScroller(el) ? VIEWPORT_HEIGHT : undefined)),
    override('clientWidth', (el) => (isScroller(el) ? 800 : undefined)),
    override('offsetHeight', (el) => (el.hasAttribute('data-index') ? ROW_HEIGHT : undefined)),
    override('scrollHeight', (el) =>
      isScroller(el)
        ? Math.max(
            VIEWPORT_HEIGHT,
            Number.parseFloat((el.firstElementChild as HTMLElement | null)?.style.height ?? '0') || 0,
          )
        : undefined,
    ),
  ];
  return () => {
    for (const restore of restores.reverse()) restore();
  };
}

/** installLayout for each test of the calling file, and what was rendered unmounted before it is taken away. */
export function layoutInEachTest(): void {
  let restore: Restore = () => {};
  beforeEach(() => {
    restore = installLayout();
  });
  afterEach(() => {
    cleanup();
    restore();
  });
}
