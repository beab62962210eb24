// @vitest-environment happy-dom
/**
 * An own message's files still being uploaded (issue 17): each shows main's progress as a progressbar
 * (an accessible name, aria-valuenow in whole percent) and can be cancelled, which is main's call.
 */
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { subscribeToCore } from '../store/app-store';
import { alice, FakeRelay, fakeId, makeMessage } from '../testing/fake-relay';
import { installLayout } from '../testing/layout';
import { renderMessageList, settle } from '../testing/render-app';
import { percentSent } from './PendingUploads';

let restoreLayout: () => void;
beforeEach(() => {
  restoreLayout = installLayout();
});
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const undo of cleanups.splice(0)) undo();
  cleanup();
  restoreLayout();
});

const chart = { opId: fakeId(), name: 'chart.png', size: 4 * 1024 * 1024, mime: 'image/png' };
const notes = { opId: fakeId(), name: 'notes.txt', size: 1000, mime: 'text/plain' };

async function pendingMessage() {
  const relay = new FakeRelay();
  const channel = relay.channels[0]!;
  const key = fakeId();
  const message = makeMessage(channel.id, {
    key,
    id: undefined,
    clientMessageId: key,
    author: alice,
    own: true,
    status: 'Sending',
    content: 'chart and notes',
    uploads: [chart, notes],
  });
  relay.messages.set(channel.id, [message]);
  const { store } = await renderMessageList(relay, [message]);
  const unsubscribe = subscribeToCore(relay.api, store);
  cleanups.push(unsubscribe);
  return { relay, channel, message, store };
}

it('shows each pending file with its progress, as main reports it', async () => {
  const { relay, channel, message } = await pendingMessage();
  const bar = screen.getByRole('progressbar', { name: 'Uploading chart.png' });
  expect(bar.getAttribute('aria-valuenow')).toBe('0');
  expect(screen.getByRole('progressbar', { name: 'Uploading notes.txt' })).toBeTruthy();

  act(() =>
    relay.emit('uploadProgress', {
      channelId: channel.id,
      messageKey: message.key,
      opId: chart.opId,
      sent: 1024 * 1024,
      total: chart.size,
    }),
  );
  expect(bar.getAttribute('aria-valuenow')).toBe('25');
  // Another file's progress leaves this one alone.
  expect(screen.getByRole('progressbar', { name: 'Uploading notes.txt' }).getAttribute('aria-valuenow')).toBe(
    '0',
  );
});

it('cancels a file through main; its chip goes when main says the message changed', async () => {
  const { relay } = await pendingMessage();
  fireEvent.click(screen.getByRole('button', { name: 'Cancel chart.png' }));
  await settle();
  expect(relay.callsOf('cancelUpload')).toEqual([{ opId: chart.opId }]);
  expect(screen.queryByRole('progressbar', { name: 'Uploading chart.png' })).toBeNull();
  expect(screen.getByRole('progressbar', { name: 'Uploading notes.txt' })).toBeTruthy();
});

it('says why when main refuses the cancel (already uploaded), and the button works again', async () => {
  const { relay, store } = await pendingMessage();
  relay.failNext('cancelUpload', 'NOT_FOUND', 'That file is no longer waiting to be sent');
  fireEvent.click(screen.getByRole('button', { name: 'Cancel notes.txt' }));
  await settle();
  expect((screen.getByRole('button', { name: 'Cancel notes.txt' }) as HTMLButtonElement).disabled).toBe(
    false,
  );
  expect(
    store
      .getState()
      .toasts.map((t) => `${t.title} ${t.detail}`)
      .join(' '),
  ).toContain('no longer waiting to be sent');
});

it('rounds progress down to whole percent, never past 100', () => {
  expect([percentSent(0, 0), percentSent(999, 1000), percentSent(1000, 1000), percentSent(2, 1)]).toEqual([
    0, 99, 100, 100,
  ]);
});
