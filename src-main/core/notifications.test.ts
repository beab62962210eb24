/** Notification coalescing and once-per-message, on a manual clock. */
import { describe, expect, it } from 'vitest';
import type { NotificationView } from '../../src-shared/bridge';
import {
  Notifications,
  type Offer,
  personallyAddressed,
  preferencesAllow,
  summarise,
  toastWorthy,
} from './notifications';
import { createManualClock } from './testing/manual-clock';

function offer(n: number, channelId = 'c1', channelName = 'general'): Offer {
  return {
    messageId: `m${n}`,
    channelId,
    channelName,
    authorName: 'Bob',
    content: `message ${n}`,
    personal: false,
  };
}

function setup(wanted: (o: Offer) => boolean = () => true) {
  const clock = createManualClock();
  const shown: NotificationView[] = [];
  const n = new Notifications({ clock, coalesceMs: 1_000, stillWanted: wanted, show: (v) => shown.push(v) });
  return { clock, shown, n };
}

describe('Notifications', () => {
  it('coalesces a burst into one notification naming the count and the latest', () => {
    const { clock, shown, n } = setup();
    for (let i = 1; i <= 5; i++) n.offer(offer(i));
    expect(shown).toEqual([]);
    clock.advance(1_000);
    expect(shown).toEqual([
      { title: '#general', body: '5 new messages. Bob: message 5', channelId: 'c1', messageId: 'm5' },
    ]);
  });

  it('shows a message once, however often it is offered', () => {
    const { clock, shown, n } = setup();
    n.offer(offer(1));
    clock.advance(1_000);
    n.offer(offer(1));
    clock.advance(1_000);
    expect(shown).toHaveLength(1);
  });

  it('remembers only what it showed: offers the rules drop never push a shown id out of its memory', () => {
    const clock = createManualClock();
    const shown: NotificationView[] = [];
    const n = new Notifications({
      clock,
      coalesceMs: 1_000,
      stillWanted: (o) => o.channelId !== 'muted',
      mayInterrupt: () => true,
      show: (v) => shown.push(v),
    });
    n.offer(offer(0));
    n.offer(offer(0)); // twice before showing: once in the notification
    clock.advance(1_000);
    expect(shown).toEqual([
      { title: 'Bob in #general', body: 'message 0', channelId: 'c1', messageId: 'm0' },
    ]);
    // A muted channel's busy day: each offered, none shown (the rule that drops them reads the store).
    for (let i = 1; i <= 6_000; i++) n.offer(offer(i, 'muted', 'quiet'));
    clock.advance(1_000);
    expect(shown).toHaveLength(1);
    // m0 again (live, then in a catch-up): still known, not shown twice.
    n.offer(offer(0));
    clock.advance(1_000);
    expect(shown).toHaveLength(1);
  });

  it('checks the rules again when showing: a channel opened meanwhile does not notify', () => {
    let looking = false;
    const { clock, shown, n } = setup(() => !looking);
    n.offer(offer(1));
    looking = true;
    clock.advance(1_000);
    expect(shown).toEqual([]);
  });

  it('while held, asks the store-reading check once per offer, at the end, and only the cheap one before', () => {
    const clock = createManualClock();
    const shown: NotificationView[] = [];
    const asked: string[] = [];
    let focused = true;
    const n = new Notifications({
      clock,
      coalesceMs: 1_000,
      stillWanted: (o) => {
        asked.push(o.messageId);
        return o.messageId !== 'm3'; // read meanwhile, say
      },
      mayInterrupt: (o) => !focused || o.personal,
      show: (v) => shown.push(v),
    });
    const release = n.hold();
    n.offer(offer(1)); // in front, not personal: never asked about again
    focused = false;
    for (const i of [2, 3, 4, 2]) n.offer(offer(i));
    clock.advance(5_000);
    // Figure 13: two row reads per caught-up message at offer time, and both again at the end.
    expect(asked).toEqual([]);
    expect(shown).toEqual([]);
    release();
    expect(asked).toEqual(['m2', 'm3', 'm4']);
    expect(shown).toEqual([
      { title: '#general', body: '2 new messages. Bob: message 4', channelId: 'c1', messageId: 'm4' },
    ]);
    // Shown once: offered again later, nothing.
    n.offer(offer(4));
    clock.advance(1_000);
    expect(shown).toHaveLength(1);
  });

  it('asks the store-reading check once per offer, when showing, and only the cheap one on offer (bench figure 2)', () => {
    const clock = createManualClock();
    const shown: NotificationView[] = [];
    const asked: string[] = [];
    const n = new Notifications({
      clock,
      coalesceMs: 1_000,
      stillWanted: (o) => {
        asked.push(o.messageId);
        return o.messageId !== 'm2'; // read meanwhile, say
      },
      mayInterrupt: () => true,
      show: (v) => shown.push(v),
    });
    for (const i of [1, 2, 3]) n.offer(offer(i));
    // Each live arrival read its channel and its message on offer, and both again when shown.
    expect(asked).toEqual([]);
    clock.advance(1_000);
    expect(asked).toEqual(['m1', 'm2', 'm3']);
    expect(shown).toEqual([
      { title: '#general', body: '2 new messages. Bob: message 3', channelId: 'c1', messageId: 'm3' },
    ]);
  });

  it('summarises across channels', () => {
    expect(summarise([offer(1, 'c1', 'general'), offer(2, 'c2', 'random')])).toMatchObject({
      title: '2 new messages',
      channelId: 'c2',
      messageId: 'm2',
    });
    expect(summarise([{ ...offer(1), content: 'x'.repeat(500) }])?.body.length).toBeLessThanOrEqual(200);
  });
});

describe('what may interrupt (issue 12)', () => {
  it('from the background anything notifies; in front only what is addressed to the person', () => {
    expect(toastWorthy({ personal: false }, false)).toBe(true);
    expect(toastWorthy({ personal: false }, true)).toBe(false);
    expect(toastWorthy({ personal: true }, true)).toBe(true);
  });

  it('recognises @name, @channel and @here as whole words only', () => {
    expect(personallyAddressed('hey @alice, look', 'Alice')).toBe(true);
    expect(personallyAddressed('@here standup', 'Alice')).toBe(true);
    expect(personallyAddressed('ping @Channel', 'Alice')).toBe(true);
    expect(personallyAddressed('mail alice@example.com', 'Alice')).toBe(false);
    expect(personallyAddressed('@alicebot did it', 'Alice')).toBe(false);
    expect(personallyAddressed('no mention', 'Alice')).toBe(false);
  });
});

describe('channel preferences (issue 14)', () => {
  const plain = { mentioned: false, personal: false };
  const mention = { mentioned: true, personal: true };
  const dm = { mentioned: false, personal: true };

  it("'mentions' notifies a mention or a DM only; 'none' nothing; muted only a mention", () => {
    expect(preferencesAllow({ notify: 'all', muted: false }, plain)).toBe(true);
    expect(preferencesAllow({ notify: 'mentions', muted: false }, plain)).toBe(false);
    expect(preferencesAllow({ notify: 'mentions', muted: false }, mention)).toBe(true);
    expect(preferencesAllow({ notify: 'mentions', muted: false }, dm)).toBe(true);
    expect(preferencesAllow({ notify: 'none', muted: false }, mention)).toBe(false);
    expect(preferencesAllow({ notify: 'all', muted: true }, plain)).toBe(false);
    expect(preferencesAllow({ notify: 'all', muted: true }, dm)).toBe(false);
    expect(preferencesAllow({ notify: 'all', muted: true }, mention)).toBe(true);
    expect(preferencesAllow({ notify: 'mentions', muted: true }, mention)).toBe(true);
  });
});
