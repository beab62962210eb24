// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { ErrorBoundary, PanelUnavailable } from './ErrorBoundary';

let broken = true;
function Panel() {
  if (broken) throw new Error('render failed');
  return <p>panel content</p>;
}

beforeEach(() => {
  broken = true;
  vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

function Page({ resetKey }: { resetKey: string }) {
  return (
    <>
      <ErrorBoundary
        resetKey={resetKey}
        fallback={(retry) => <PanelUnavailable name="thread" retry={retry} />}
      >
        <Panel />
      </ErrorBoundary>
      <p>the other panel</p>
    </>
  );
}

it('shows the fallback in place of the panel that threw, keeps its siblings, and retries on demand', () => {
  render(<Page resetKey="a" />);
  expect(screen.getByRole('alert').textContent).toContain('The thread could not be shown.');
  expect(screen.getByText('the other panel')).toBeTruthy();
  broken = false;
  fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
  expect(screen.getByText('panel content')).toBeTruthy();
});

it('renders the children again when its reset key changes', () => {
  const view = render(<Page resetKey="a" />);
  broken = false;
  view.rerender(<Page resetKey="b" />);
  expect(screen.getByText('panel content')).toBeTruthy();
  expect(screen.queryByRole('alert')).toBeNull();
});
