/**
 * What the chaos run meant, and the checks of an end state against it. An intent is recorded only
 * once the app's call has answered (the operation is committed locally), so each must be applied.
 */
import type { MessageView } from '../../../../src-shared/bridge';
import type { Message } from '../../../../src-shared/protocol';
import type { Channel } from './protocol';

export interface IntendedMessage {
  clientMessageId: string;
  author: string;
  channel: Channel;
  content: string;
  deleted: boolean;
  /** `username emoji` for each reaction meant to be there (last add/remove wins). */
  reactions: Set<string>;
}

export class Intent {
  readonly messages = new Map<string, IntendedMessage>();
  /** Per author and channel, their sends' clientMessageIds in the order the calls answered. */
  readonly sends = new Map<string, string[]>();

  sent(author: string, channel: Channel, clientMessageId: string, content: string): void {
    this.messages.set(clientMessageId, {
      clientMessageId,
      author,
      channel,
      content,
      deleted: false,
      reactions: new Set(),
    });
    const lane = `${author} ${channel}`;
    this.sends.set(lane, [...(this.sends.get(lane) ?? []), clientMessageId]);
  }

  /** Messages still to change (not deleted), in a stable order for the seeded choice. */
  live(filter: (m: IntendedMessage) => boolean = () => true): IntendedMessage[] {
    return [...this.messages.values()].filter((m) => !m.deleted && filter(m));
  }
}

type ServerState = Record<Channel, Message[]>;

/** Nothing lost, nothing twice, each author's sends in order per channel, last intent wins. */
export function checkServer(intent: Intent, server: ServerState, usernames: Map<string, string>): string[] {
  const problems: string[] = [];
  const byCmid = new Map<string, Message>();
  for (const channel of ['general', 'random'] as const) {
    for (const m of server[channel]) {
      if (!m.clientMessageId) continue;
      if (byCmid.has(m.clientMessageId)) problems.push(`duplicate clientMessageId ${m.clientMessageId}`);
      byCmid.set(m.clientMessageId, m);
    }
  }
  for (const want of intent.messages.values()) {
    const got = byCmid.get(want.clientMessageId);
    if (!got) {
      problems.push(`lost: ${want.author}'s ${want.clientMessageId} (${want.content}) in ${want.channel}`);
      continue;
    }
    if (got.deleted !== want.deleted)
      problems.push(`${want.clientMessageId}: deleted ${got.deleted}, meant ${want.deleted}`);
    if (want.deleted) continue; // a tombstone's reactions are not the point
    if (got.content !== want.content)
      problems.push(`${want.clientMessageId}: "${got.content}", meant "${want.content}"`);
    const reactions = got.reactions.flatMap((r) =>
      r.userIds.map((u) => `${usernames.get(u) ?? u} ${r.emoji}`),
    );
    const have = reactions.sort().join(', ');
    const meant = [...want.reactions].sort().join(', ');
    if (have !== meant) problems.push(`${want.clientMessageId}: reactions [${have}], meant [${meant}]`);
  }
  for (const [lane, cmids] of intent.sends) {
    const channel = lane.split(' ')[1] as Channel;
    // A lost one is reported above; the order is that of the ones there.
    const seqs = cmids.flatMap((c) => byCmid.get(c)?.seq ?? []);
    if (seqs.some((s, i) => i > 0 && s <= (seqs[i - 1] as number)))
      problems.push(`order broken for ${lane}: seqs ${seqs.join(',')} in ${channel}`);
  }
  return problems;
}

/** What a message is, the same from the server's history and from an app's view (which shows no clientMessageId of others'). */
function shape(m: {
  seq?: number | null;
  content: string;
  deleted: boolean;
  reactions: { emoji: string; userIds: string[] }[];
}): string {
  const reactions = m.reactions
    .filter((r) => r.userIds.length > 0)
    .map((r) => `${r.emoji}:${[...r.userIds].sort().join('+')}`)
    .sort();
  return JSON.stringify([m.seq ?? null, m.deleted, m.deleted ? '' : m.content, reactions]);
}

/** An app's view equals the server's (its newest page), with nothing of its own still pending. */
export function checkLocal(app: string, view: Record<Channel, MessageView[]>, server: ServerState): string[] {
  const problems: string[] = [];
  for (const channel of ['general', 'random'] as const) {
    const local = view[channel];
    for (const m of local) {
      if (m.status === 'Sending' || m.status === 'Failed')
        problems.push(`${app}: ${m.key} still ${m.status}`);
      if (m.pendingChange || m.reactions.some((r) => r.pending))
        problems.push(`${app}: ${m.key} has a change pending`);
    }
    const want = server[channel].slice(Math.max(0, server[channel].length - local.length)).map(shape);
    const have = local.map(shape);
    for (let i = 0; i < Math.max(want.length, have.length); i++) {
      if (want[i] !== have[i]) {
        problems.push(`${app} ${channel}: local ${have[i]} vs server ${want[i]}`);
        break;
      }
    }
    if (local.length < Math.min(server[channel].length, 500))
      problems.push(`${app} ${channel}: holds ${local.length} of the server's ${server[channel].length}`);
  }
  return problems;
}
