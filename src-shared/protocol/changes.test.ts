import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ChangesQuery, ReactionPayload, SearchQuery, UpdatePreferencesRequest } from './changes';
import { Message } from './schemas';

const at = '2026-01-01T00:00:00.000Z';
const id = randomUUID();
/** A message as a server from before "messages that change" sends it. */
const oldMessage = {
  id,
  content: 'hello',
  channelId: id,
  userId: id,
  createdAt: at,
  updatedAt: at,
  deliveryStatus: 'SENT',
  user: { id, name: 'alice' },
  seq: 1,
};

describe('Message change fields', () => {
  it('default for a message from before them', () => {
    expect(Message.parse(oldMessage)).toMatchObject({
      editedAt: null,
      deleted: false,
      mentions: [],
      reactions: [],
      changeSeq: 0,
    });
  });

  it('keep what a newer server sends', () => {
    const changed = {
      ...oldMessage,
      editedAt: at,
      deleted: true,
      mentions: [id],
      reactions: [{ emoji: '👍', userIds: [id] }],
      changeSeq: 7,
    };
    expect(Message.parse(changed)).toMatchObject(changed);
  });
});

describe('change payloads', () => {
  const reaction = (emoji: string) => ReactionPayload.safeParse({ messageId: id, emoji, opId: id }).success;

  it('take an emoji of 1 to 32 characters, visible and valid UTF-16', () => {
    expect(reaction('👍')).toBe(true);
    expect(reaction(':thumbsup:')).toBe(true);
    expect(reaction('x'.repeat(32))).toBe(true);
    expect(reaction('x'.repeat(33))).toBe(false);
    expect(reaction('')).toBe(false);
    expect(reaction(' \u200B')).toBe(false);
    expect(reaction('\uD83D')).toBe(false);
  });

  it('refuse a missing opId', () => {
    expect(ReactionPayload.safeParse({ messageId: id, emoji: '👍' }).success).toBe(false);
  });
});

describe('HTTP queries', () => {
  it('changes: after defaults to 0, limit to a page, both bounded', () => {
    expect(ChangesQuery.parse({})).toEqual({ after: 0, limit: 50 });
    expect(ChangesQuery.parse({ after: '12', limit: '3' })).toEqual({ after: 12, limit: 3 });
    expect(ChangesQuery.safeParse({ after: '-1' }).success).toBe(false);
    expect(ChangesQuery.safeParse({ limit: '501' }).success).toBe(false);
  });

  it('search: a query of something, trimmed', () => {
    expect(SearchQuery.parse({ q: ' deploy ' })).toEqual({ q: 'deploy', limit: 20 });
    expect(SearchQuery.safeParse({ q: '   ' }).success).toBe(false);
    expect(SearchQuery.safeParse({ q: 'x', channelId: 'nope' }).success).toBe(false);
  });

  it('preferences: either field, not neither', () => {
    expect(UpdatePreferencesRequest.parse({ muted: true })).toEqual({ muted: true });
    expect(UpdatePreferencesRequest.safeParse({}).success).toBe(false);
    expect(UpdatePreferencesRequest.safeParse({ notify: 'loud' }).success).toBe(false);
  });
});
