// @vitest-environment happy-dom
/**
 * The dialog holds focus from the moment it is on the page. Stop 15's CI failed because it did not:
 * a dialog in a lazy chunk (app/lazy.ts) was in the DOM a moment before its focus effect ran, and on
 * a loaded machine a keystroke or a check in that moment went to the composer behind it.
 */
import { act, render, screen } from '@testing-library/react';
import { Suspense } from 'react';
import { describe, expect, it } from 'vitest';
import { lazyComponent } from '../app/lazy';
import { Dialog } from './Dialog';

function Question() {
  return (
    <Dialog title="Rename" testId="question" onClose={() => {}}>
      <input aria-label="Name" data-autofocus />
    </Dialog>
  );
}

describe('Dialog', () => {
  it('has focus inside when it first appears in the DOM, even from a lazy chunk', async () => {
    let release = () => {};
    const loaded = new Promise<void>((resolve) => {
      release = resolve;
    });
    const Lazy = lazyComponent(async () => {
      await loaded;
      return Question;
    });
    render(
      <>
        <textarea aria-label="Composer" />
        <Suspense fallback={null}>
          <Lazy />
        </Suspense>
      </>,
    );
    screen.getByLabelText('Composer').focus();
    // Where focus is at the first moment the dialog is in the document (a mutation observer runs
    // before anything else can: a timer, an event, React's own scheduled work).
    const focusWhenAdded = new Promise<Element | null>((resolve) => {
      const observer = new MutationObserver(() => {
        if (!screen.queryByTestId('question')) return;
        observer.disconnect();
        resolve(document.activeElement);
      });
      observer.observe(document.body, { childList: true, subtree: true });
    });
    // As a test's findBy waits, outside act(): React's own scheduler runs the work, as in the app.
    release();
    await screen.findByTestId('question');
    expect(await focusWhenAdded).toBe(screen.getByLabelText('Name'));
    await act(async () => {});
  });
});
