/** Row shapes of the local database and the local status scale. */
import type { UserSummary } from '../../src-shared/protocol';

/** Our own messages' status. SENDING and FAILED are local; the rest come from the server. */
export type LocalStatus = 'SENDING' | 'SENT' | 'DELIVERED' | 'READ' | 'FAILED';

const RANK: Record<LocalStatus, number> = { FAILED: -2, SENDING: -1, SENT: 0, DELIVERED: 1, READ: 2 };

/** The higher of two statuses: any evidence from the server outranks a local SENDING or FAILED. */
export function higherStatus(a: LocalStatus, b: LocalStatus): LocalStatus {
  return RANK[b] > RANK[a] ? b : a;
}

export interface ChannelRow {
  id: string;
  name: string;
  members_json: string;
  position: number;
  last_seq: number;
  server_seq: number;
  server_unread: number;
  read_seq: number;
  cursor: number | null;
  muted: number;
  draft: string;
  kind: 'channel' | 'dm';
  private: number;
  topic: string;
  archived: number;
  created_by: string | null;
}

export interface MessageRow {
  key: string;
  id: string | null;
  client_message_id: string | null;
  channel_id: string;
  parent_id: string | null;
  author_id: string;
  author_name: string;
  content: string;
  created_at: string;
  seq: number | null;
  own: number;
  status: LocalStatus | null;
  failure_code: string | null;
  failure_message: string | null;
  /** Others' replies that arrived while their thread was not shown (1) until it is (0). */
  reply_unread: number;
}

export interface OutboxRow {
  ord: number;
  client_message_id: string;
  channel_id: string;
  content: string;
  parent_id: string | null;
  queued_at: number;
  attempts: number;
  next_attempt_at: number;
  state: 'pending' | 'failed';
  failure_code: string | null;
  failure_message: string | null;
  /** Its number in this device's sequence for the channel (device-sequence.ts). */
  device_seq: number;
}

export interface ReceiptRow {
  message_id: string;
  user_id: string;
  status: 'SENT' | 'DELIVERED' | 'READ';
  at: string;
}

export interface ReceiptOutboxRow {
  message_id: string;
  channel_id: string;
  status: 'DELIVERED' | 'READ';
  attempts: number;
}

export function members(row: ChannelRow): UserSummary[] {
  return JSON.parse(row.members_json) as UserSummary[];
}
