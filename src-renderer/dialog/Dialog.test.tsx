// @vitest-environment happy-dom
/**
 * The dialog holds focus from the moment it is on the page. Stop 15's CI failed because it did not:
 * a dialog in a lazy chunk (app/lazy.ts) was in the DOM a moment before its focus effect ran, and on
 * a loaded machine a keystroke or a check in that moment went to the composer behind it.
 */
import { act, cleanup, render, screen } from '@testing-library/react';
import { Suspense } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { lazyComponent } from '../app/lazy';
import { Dialog } from './Dialog';

let closed = 0;

afterEach(cleanup);

function Question() {
  return (
    <Dialog title="Rename" testId="question" onClose={() => closed++}>
      <input aria-label="Name" data-autofocus />
    </Dialog>
  );
}

/** A lazy `Question`, rendered behind a composer, and its chunk's release. */
function lazyQuestion() {
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
  return release;
}

/** Runs `then` at the first moment the dialog is in the document (before a timer, an event or React's work). */
function whenAdded<T>(then: () => T): Promise<T> {
  return new Promise<T>((resolve) => {
    const observer = new MutationObserver(() => {
      if (!screen.queryByTestId('question')) return;
      observer.disconnect();
      resolve(then());
    });
    observer.observe(document.body, { childList: true, subtree: true });
  });
}

describe('Dialog', () => {
  it('has focus inside when it first appears in the DOM, even from a lazy chunk', async () => {
    const release = lazyQuestion();
    // Where focus is at the first moment the dialog is in the document.
    const focusWhenAdded = whenAdded(() => document.activeElement);
    // As a test's findBy waits, outside act(): React's own scheduler runs the work, as in the app.
    release();
    await screen.findByTestId('question');
    expect(await focusWhenAdded).toBe(screen.getByLabelText('Name'));
    await act(async () => {});
  });

  it('closes on Esc from the first moment it is in the DOM, even from a lazy chunk', async () => {
    // Stop 22's CI run: SearchDialog.test's Esc, pressed as soon as findBy saw the dialog, was lost on
    // a loaded machine, because the Esc listener waited for the passive effect, a task later.
    closed = 0;
    const release = lazyQuestion();
    const pressed = whenAdded(() =>
      document.activeElement?.dispatchEvent(
        new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }),
      ),
    );
    release();
    await screen.findByTestId('question');
    await pressed;
    expect(closed).toBe(1);
    await act(async () => {});
  });
});
