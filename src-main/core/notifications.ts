/**
 * Which messages notify, decided in main: from someone else, unread, while the window is unfocused
 * or shows another channel, not muted, not in do-not-disturb, at most once per message id. While the
 * window is focused only what is addressed to the person notifies (a mention, a DM, a reply in a
 * thread they are in): the rest shows as unread, without interrupting (issue 12). Offers
 * arriving close together are coalesced into one notification; the rules are checked again when it
 * is shown, so a channel opened meanwhile does not notify.
 */
import type { NotificationView } from '../../src-shared/bridge';
import type { Clock } from './ports';

export interface Offer {
  messageId: string;
  channelId: string;
  channelName: string;
  /** A direct message: named by its people, not `#name`. */
  dm?: boolean;
  authorName: string;
  content: string;
  /** Addressed to this person: a mention, a direct message, a reply in a thread they are in. */
  personal: boolean;
}

/** Whether an offer may interrupt: always from the background, only personal ones in front. */
export function toastWorthy(offer: Pick<Offer, 'personal'>, windowFocused: boolean): boolean {
  return !windowFocused || offer.personal;
}

/** `@name`, `@channel` or `@here` in a message (case-insensitive, a whole word). */
export function personallyAddressed(content: string, name: string): boolean {
  const escaped = name.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\w@])@(${escaped}|channel|here)(?![\\w-])`, 'i').test(content);
}

/**
 * A channel's preferences (issue 14): 'none' never notifies; 'mentions' only what mentions the person or
 * is addressed to them (a DM, a reply in their thread); a muted channel only a mention.
 */
export function preferencesAllow(
  preferences: { notify: 'all' | 'mentions' | 'none'; muted: boolean },
  message: { mentioned: boolean; personal: boolean },
): boolean {
  if (preferences.notify === 'none') return false;
  if (preferences.muted && !message.mentioned) return false;
  return preferences.notify === 'all' || message.personal || message.mentioned;
}

export interface NotificationDeps {
  clock: Clock;
  coalesceMs: number;
  /** Whether this message should still notify now. */
  stillWanted(offer: Offer): boolean;
  /**
   * The half of stillWanted that reads no store (settings, focus), asked alone at offer time: the flush
   * asks stillWanted of every offer anyway, so its row reads (two per message: ~13 % of figure 13's
   * catch-up with the window in the background, ~4 % of figure 2's live arrivals) are paid once, not
   * twice. Absent: stillWanted is asked at offer time too.
   */
  mayInterrupt?(offer: Offer): boolean;
  show(view: NotificationView): void;
}

const MAX_REMEMBERED = 5_000;
const MAX_BODY = 200;

export class Notifications {
  private pending: Offer[] = [];
  private timer: unknown = null;
  /** Catch-ups running: offers wait for the last to end, then show as one (hold()). */
  private holds = 0;
  /**
   * Ids already shown: a message notifies once, whatever arrives twice. Only shown ones: the offers the
   * flush drops (a muted channel, read meanwhile) would otherwise fill it and push real ones out.
   */
  private readonly seen = new Set<string>();
  /** The ids in `pending`: a message offered twice before the flush is shown once. */
  private readonly waiting = new Set<string>();

  constructor(private readonly deps: NotificationDeps) {}

  offer(offer: Offer): void {
    if (this.seen.has(offer.messageId) || this.waiting.has(offer.messageId)) return;
    const wanted = this.deps.mayInterrupt ? this.deps.mayInterrupt(offer) : this.deps.stillWanted(offer);
    if (!wanted) return;
    this.waiting.add(offer.messageId);
    this.pending.push(offer);
    this.timer ??= this.deps.clock.setTimeout(() => this.flush(), this.deps.coalesceMs);
  }

  /**
   * Offers wait until the returned release is called (a catch-up: its thousands of messages arrive
   * over seconds, and the coalescing window alone would show one notification per window). Nested
   * holds release when the last one does.
   */
  hold(): () => void {
    this.holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds--;
      if (this.holds === 0 && this.pending.length > 0 && this.timer === null) this.flush();
    };
  }

  dispose(): void {
    if (this.timer !== null) this.deps.clock.clearTimeout(this.timer);
    this.timer = null;
    this.pending = [];
    this.waiting.clear();
  }

  private flush(): void {
    this.timer = null;
    if (this.holds > 0) return;
    const offers = this.pending.filter((o) => this.deps.stillWanted(o));
    this.pending = [];
    this.waiting.clear();
    for (const o of offers) this.remember(o.messageId);
    const view = summarise(offers);
    if (view) this.deps.show(view);
  }

  private remember(id: string): void {
    this.seen.add(id);
    if (this.seen.size > MAX_REMEMBERED) {
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
  }
}

export function summarise(offers: Offer[]): NotificationView | undefined {
  const last = offers.at(-1);
  if (!last) return undefined;
  if (offers.length === 1) {
    return {
      title: last.dm ? last.authorName : `${last.authorName} in ${place(last)}`,
      body: truncate(last.content),
      channelId: last.channelId,
      messageId: last.messageId,
    };
  }
  const channels = new Set(offers.map((o) => o.channelId));
  if (channels.size === 1) {
    return {
      title: place(last),
      body: `${offers.length} new messages. ${last.authorName}: ${truncate(last.content)}`,
      channelId: last.channelId,
      messageId: last.messageId,
    };
  }
  return {
    title: `${offers.length} new messages`,
    body: `In ${channels.size} channels. Latest from ${last.authorName} in ${place(last)}`,
    channelId: last.channelId,
    messageId: last.messageId,
  };
}

function place(offer: Offer): string {
  return offer.dm ? offer.channelName : `#${offer.channelName}`;
}

function truncate(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_BODY ? `${flat.slice(0, MAX_BODY - 1)}…` : flat;
}
