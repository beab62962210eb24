/**
 * A connect's presence announcement goes to the channels the handshake has just read (no second read of
 * the same rows per connection: figure 5); without them, the tracker reads them itself.
 */
import { describe, expect, it, vi } from 'vitest';
import { channelRoom, WorkspaceEvent } from '../../src-shared/protocol';
import type { RelayServer } from '../socket/types';
import type { Store } from '../store/types';
import { PresenceTracker } from './presence';

function tracker() {
  const emit = vi.fn();
  const to = vi.fn(() => ({ emit }));
  const memberChannelIds = vi.fn(async () => ['from-store']);
  const presence = new PresenceTracker(
    { to } as unknown as RelayServer,
    { memberChannelIds } as unknown as Store,
    { offlineAfterMs: 10 },
  );
  return { presence, to, emit, memberChannelIds };
}

describe('presence on connect', () => {
  it('announces to the channels it is given, without reading them', async () => {
    const { presence, to, emit, memberChannelIds } = tracker();
    presence.connected('u1', ['c1', 'c2']);
    await vi.waitFor(() => expect(emit).toHaveBeenCalled());
    expect(to).toHaveBeenCalledWith([channelRoom('c1'), channelRoom('c2')]);
    expect(emit).toHaveBeenCalledWith(WorkspaceEvent.PRESENCE_UPDATE, { userId: 'u1', presence: 'online' });
    expect(memberChannelIds).not.toHaveBeenCalled();
    presence.close();
  });

  it('reads the channels when it is not given them', async () => {
    const { presence, to, emit, memberChannelIds } = tracker();
    presence.connected('u1');
    await vi.waitFor(() => expect(emit).toHaveBeenCalled());
    expect(memberChannelIds).toHaveBeenCalledWith('u1');
    expect(to).toHaveBeenCalledWith([channelRoom('from-store')]);
    presence.close();
  });
});
