/**
 * "Messages that change" of interface.md against a real server, written once and run on each store:
 * changes.test.ts (SQLite) and changes-postgres.test.ts (PostgreSQL). Real HTTP, real sockets.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  ChangeAck,
  ChangeEvent,
  ChangesPage,
  type ChannelPreferences,
  Message,
  MessageDeletedEvent,
  MessageEvent,
  MessageUpdatedEvent,
  ReactionUpdatedEvent,
  SearchPage,
  SendAck,
} from '../../src-shared/protocol';
import type { ServerOptions } from '../app';
import { hashPassword } from '../auth/passwords';
import { demoServer, emitWithAck, flush, nextEvent, recordEvents } from '../testing';
import { type ApiUser, connectWithApi } from '../workspace/suite';

type User = ApiUser;

export function changesSuite(options: () => Promise<Partial<ServerOptions>>): void {
  let general: string;
  let random: string;
  const demo = demoServer({ messageRateLimit: 0 });
  beforeEach(async () => {
    await demo.start(await options());
    general = demo.general.id;
    random = demo.random.id;
  });
  afterEach(() => demo.stop());
  const as = (username: string): Promise<User> => connectWithApi(demo, username);

  /** dana: an admin, in #general only. */
  async function admin(): Promise<User> {
    const dana = await demo.server.store.createUser({
      username: 'dana',
      name: 'Dana',
      admin: true,
      passwordHash: await hashPassword('password'),
    });
    await demo.server.store.addMember(general, dana!.id);
    return as('dana');
  }

  async function send(user: User, channelId: string, content: string, parentId?: string): Promise<string> {
    const ack = SendAck.parse(
      await emitWithAck(user.socket, MessageEvent.SEND, { channelId, content, parentId }),
    );
    if (!ack.ok) throw new Error(ack.error);
    return ack.messageId;
  }

  async function change(
    user: User,
    event: ChangeEvent,
    payload: Record<string, unknown>,
  ): Promise<ChangeAck> {
    return ChangeAck.parse(await emitWithAck(user.socket, event, { opId: randomUUID(), ...payload }));
  }
  const edit = (user: User, messageId: string, content: string) =>
    change(user, ChangeEvent.EDIT, { messageId, content });
  const remove = (user: User, messageId: string) => change(user, ChangeEvent.DELETE, { messageId });
  const react = (user: User, messageId: string, emoji: string, add = true) =>
    change(user, add ? ChangeEvent.REACTION_ADD : ChangeEvent.REACTION_REMOVE, { messageId, emoji });

  async function history(user: User, channelId: string): Promise<Message[]> {
    const { body } = await user.call('GET', `/api/channels/${channelId}/messages`);
    return body.messages.map((m: unknown) => Message.parse(m));
  }
  const codeOf = (ack: ChangeAck) => (ack.ok ? 'ok' : ack.code);

  it('edits: the author only, validated as a send, broadcast with editedAt and mentions', async () => {
    const [alice, bob, carol] = [await as('alice'), await as('bob'), await as('carol')];
    const id = await send(alice, general, 'helo');
    const updated = nextEvent<unknown>(bob.socket, ChangeEvent.UPDATED);
    const ownDevice = nextEvent<unknown>(alice.socket, ChangeEvent.UPDATED);
    const ack = await edit(alice, id, 'hello @bob and @nobody');
    expect(ack).toMatchObject({ ok: true, messageId: id, channelId: general });
    const { message } = MessageUpdatedEvent.parse(await updated);
    expect(message).toMatchObject({ id, content: 'hello @bob and @nobody', mentions: [bob.user.id] });
    expect(message.editedAt).not.toBeNull();
    expect(message.changeSeq).toBe(ack.ok && ack.changeSeq);
    expect(MessageUpdatedEvent.parse(await ownDevice).message.id).toBe(id);

    expect(codeOf(await edit(bob, id, 'mine now'))).toBe('FORBIDDEN');
    expect(codeOf(await edit(alice, id, ' \u200B '))).toBe('VALIDATION');
    expect(codeOf(await edit(alice, id, 'x'.repeat(2001)))).toBe('VALIDATION');
    expect(codeOf(await edit(alice, randomUUID(), 'nothing there'))).toBe('NOT_FOUND');
    // carol is not in #random: she may not touch its messages.
    const inRandom = await send(alice, random, 'private-ish');
    expect(codeOf(await edit(carol, inRandom, 'x'))).toBe('FORBIDDEN');
    expect((await history(alice, general)).find((m) => m.id === id)?.content).toBe('hello @bob and @nobody');
  });

  it('parses mentions on send: @username of a member, @channel and @here for everyone', async () => {
    const [alice, bob, carol] = [await as('alice'), await as('bob'), await as('carol')];
    const arrived = nextEvent<unknown>(bob.socket, MessageEvent.NEW);
    await send(alice, general, 'ping @Carol, mail alice@example.com');
    expect(Message.parse(await arrived).mentions).toEqual([carol.user.id]);
    await send(alice, random, '@carol is not here');
    await send(alice, general, 'all of you @here');
    const [, everyone] = await history(alice, general);
    expect(everyone?.mentions.sort()).toEqual([alice.user.id, bob.user.id, carol.user.id].sort());
    expect((await history(alice, random))[0]?.mentions).toEqual([]);
  });

  it('deletes: the author or an admin; a tombstone that keeps its place and its replies', async () => {
    const [alice, bob] = [await as('alice'), await as('bob')];
    const dana = await admin();
    const first = await send(alice, general, 'secret plan');
    const reply = await send(bob, general, 'about that', first);
    await react(bob, first, '👍');
    expect(codeOf(await remove(bob, first))).toBe('FORBIDDEN');
    const deleted = nextEvent<unknown>(bob.socket, ChangeEvent.DELETED);
    const ack = await remove(alice, first);
    expect(ack.ok).toBe(true);
    expect(MessageDeletedEvent.parse(await deleted)).toMatchObject({ messageId: first, channelId: general });
    // An admin deletes someone else's; deleting a tombstone again changes nothing.
    expect(codeOf(await remove(dana, reply))).toBe('ok');
    const again = await remove(alice, first);
    expect(again.ok && ack.ok && again.changeSeq).toBe(ack.ok && ack.changeSeq);

    const [tombstone, replyStone] = await history(bob, general);
    expect(tombstone).toMatchObject({ id: first, deleted: true, content: '', reactions: [], seq: 1 });
    expect(replyStone).toMatchObject({ id: reply, parentId: first, deleted: true, seq: 2 });
    expect(codeOf(await edit(alice, first, 'undo'))).toBe('NOT_FOUND');
    expect(codeOf(await react(bob, first, '👍'))).toBe('NOT_FOUND');
  });

  it('reactions: members add and remove, each emoji once per person, all reactions broadcast', async () => {
    const [alice, bob, carol] = [await as('alice'), await as('bob'), await as('carol')];
    const id = await send(alice, general, 'lunch?');
    const seen = recordEvents(alice.socket);
    expect(codeOf(await react(carol, id, '👍'))).toBe('ok');
    expect(codeOf(await react(bob, id, '👍'))).toBe('ok');
    expect(codeOf(await react(bob, id, '🎉'))).toBe('ok');
    const twice = await react(bob, id, '🎉');
    expect(codeOf(twice)).toBe('ok');
    expect(codeOf(await react(carol, id, '👍', false))).toBe('ok');
    await flush(alice.socket);
    const updates = seen
      .filter((e) => e.event === ChangeEvent.REACTION_UPDATED)
      .map((e) => ReactionUpdatedEvent.parse(e.payload).reactions);
    // Adding one already there changed nothing: four updates, not five.
    expect(updates).toEqual([
      [{ emoji: '👍', userIds: [carol.user.id] }],
      [{ emoji: '👍', userIds: [carol.user.id, bob.user.id] }],
      [
        { emoji: '👍', userIds: [carol.user.id, bob.user.id] },
        { emoji: '🎉', userIds: [bob.user.id] },
      ],
      [
        { emoji: '👍', userIds: [bob.user.id] },
        { emoji: '🎉', userIds: [bob.user.id] },
      ],
    ]);
    expect((await history(alice, general))[0]?.reactions).toEqual(updates.at(-1));

    expect(codeOf(await react(bob, id, 'x'.repeat(33)))).toBe('VALIDATION');
    expect(codeOf(await react(bob, id, ''))).toBe('VALIDATION');
    const inRandom = await send(alice, random, 'dm-ish');
    expect(codeOf(await react(carol, inRandom, '👀'))).toBe('FORBIDDEN');
  });

  it('a replayed opId answers as the first time and changes nothing, even sent concurrently', async () => {
    const [alice, bob] = [await as('alice'), await as('bob')];
    const id = await send(alice, general, 'v1');
    const opId = randomUUID();
    const first = await emitWithAck(alice.socket, ChangeEvent.EDIT, { messageId: id, content: 'v2', opId });
    await flush(bob.socket);
    const seen = recordEvents(bob.socket);
    // A replay with other content (a client bug) is still the first answer, and the content stays v2.
    expect(await emitWithAck(alice.socket, ChangeEvent.EDIT, { messageId: id, content: 'v3', opId })).toEqual(
      first,
    );

    const reactOp = randomUUID();
    const copies = await Promise.all(
      Array.from({ length: 6 }, () =>
        emitWithAck(bob.socket, ChangeEvent.REACTION_ADD, { messageId: id, emoji: '✅', opId: reactOp }),
      ),
    );
    expect(new Set(copies.map((c) => JSON.stringify(c))).size).toBe(1);
    await react(bob, id, '✅', false);
    // The add replayed after the removal does not put the reaction back.
    expect(
      await emitWithAck(bob.socket, ChangeEvent.REACTION_ADD, { messageId: id, emoji: '✅', opId: reactOp }),
    ).toEqual(copies[0]);
    await flush(bob.socket);
    expect(seen.filter((e) => e.event === ChangeEvent.UPDATED)).toEqual([]);
    expect(seen.filter((e) => e.event === ChangeEvent.REACTION_UPDATED)).toHaveLength(2);
    const [stored] = await history(alice, general);
    expect(stored).toMatchObject({ content: 'v2', reactions: [] });
  });

  it('changes?after=N returns exactly the messages changed after N, in their current state', async () => {
    const [alice, bob, carol] = [await as('alice'), await as('bob'), await as('carol')];
    const ids: string[] = [];
    for (const text of ['one', 'two', 'three', 'four']) ids.push(await send(alice, general, text));
    const feed = async (after: number, limit?: number) => {
      const res = await bob.call(
        'GET',
        `/api/channels/${general}/changes?after=${after}${limit ? `&limit=${limit}` : ''}`,
      );
      expect(res.status).toBe(200);
      return ChangesPage.parse(res.body);
    };
    const before = await feed(0);
    expect(before.messages.map((m) => m.id)).toEqual(ids);
    const n = before.changeSeq;
    await edit(alice, ids[2]!, 'three!');
    await remove(alice, ids[0]!);
    await react(carol, ids[1]!, '👍');
    const after = await feed(n);
    expect(after.messages.map((m) => m.id)).toEqual([ids[2], ids[0], ids[1]]);
    expect(after.messages.map((m) => [m.content, m.deleted, m.reactions.length])).toEqual([
      ['three!', false, 0],
      ['', true, 0],
      ['two', false, 1],
    ]);
    expect(after).toMatchObject({ changeSeq: n + 3, hasMore: false });
    // Paged: the cursor of one page is where the next starts; an app up to date gets nothing.
    const page = await feed(n, 2);
    expect(page).toMatchObject({ changeSeq: n + 2, hasMore: true });
    expect((await feed(page.changeSeq)).messages.map((m) => m.id)).toEqual([ids[1]]);
    expect(await feed(n + 3)).toEqual({ messages: [], changeSeq: n + 3, hasMore: false });

    expect((await carol.call('GET', `/api/channels/${random}/changes`)).status).toBe(403);
    expect((await bob.call('GET', `/api/channels/${randomUUID()}/changes`)).status).toBe(404);
    expect((await bob.call('GET', `/api/channels/${general}/changes?after=-1`)).status).toBe(400);
  });

  it('an archived channel refuses every change; a replay of an earlier one still answers', async () => {
    const [alice, bob] = [await as('alice'), await as('bob')];
    const id = await send(alice, general, 'before');
    const opId = randomUUID();
    const first = await emitWithAck(bob.socket, ChangeEvent.REACTION_ADD, {
      messageId: id,
      emoji: '👋',
      opId,
    });
    await demo.server.store.updateChannel(general, { archived: true });
    expect(codeOf(await edit(alice, id, 'after'))).toBe('FORBIDDEN');
    expect(codeOf(await remove(alice, id))).toBe('FORBIDDEN');
    expect(codeOf(await react(bob, id, '👍'))).toBe('FORBIDDEN');
    expect(codeOf(await react(bob, id, '👋', false))).toBe('FORBIDDEN');
    expect(
      await emitWithAck(bob.socket, ChangeEvent.REACTION_ADD, { messageId: id, emoji: '👋', opId }),
    ).toEqual(first);
  });

  it('search: full text, newest first, only the caller’s channels, never a deleted message', async () => {
    const [alice, bob, carol] = [await as('alice'), await as('bob'), await as('carol')];
    const old = await send(alice, general, 'deploy of the backend on friday');
    const secret = await send(alice, random, 'deploying the secret project');
    const gone = await send(bob, general, 'deploy key is hunter2');
    const typo = await send(bob, general, 'the relase is out');
    await remove(bob, gone);
    await edit(bob, typo, 'the release deploy is out');
    const search = async (user: User, query: string) => {
      const res = await user.call('GET', `/api/search?${new URLSearchParams(query)}`);
      return { status: res.status, page: res.status === 200 ? SearchPage.parse(res.body) : undefined };
    };
    const forAlice = await search(alice, 'q=deploy');
    expect(forAlice.page?.messages.map((m) => m.id)).toEqual([typo, secret, old]);
    expect((await search(carol, 'q=deploy')).page?.messages.map((m) => m.id)).toEqual([typo, old]);
    expect((await search(carol, 'q=secret')).page?.messages).toEqual([]);
    expect((await search(carol, `q=secret&channelId=${random}`)).status).toBe(403);
    expect((await search(alice, 'q=hunter2')).page?.messages).toEqual([]);
    expect((await search(alice, 'q=relase')).page?.messages).toEqual([]);
    expect((await search(alice, `q=deploy&channelId=${general}&limit=1`)).page).toMatchObject({
      hasMore: true,
      messages: [{ id: typo }],
    });
    // Query syntax of either engine is only text here.
    expect((await search(alice, 'q=" OR * NEAR( -:&|!')).status).toBe(200);
    expect((await search(alice, 'q=___ ::*')).page?.messages).toEqual([]);
    expect((await search(alice, 'q=')).status).toBe(400);
  });

  it('preferences: per user and channel, default notify all and not muted', async () => {
    const [alice, bob, carol] = [await as('alice'), await as('bob'), await as('carol')];
    const path = `/api/channels/${general}/preferences`;
    expect((await alice.call('GET', path)).body).toEqual({ notify: 'all', muted: false });
    expect((await alice.call('PUT', path, { notify: 'mentions' })).body).toEqual({
      notify: 'mentions',
      muted: false,
    });
    expect((await alice.call('PUT', path, { muted: true })).body).toEqual({
      notify: 'mentions',
      muted: true,
    });
    const stored: ChannelPreferences = (await alice.call('GET', path)).body;
    expect(stored).toEqual({ notify: 'mentions', muted: true });
    expect((await bob.call('GET', path)).body).toEqual({ notify: 'all', muted: false });
    expect((await alice.call('PUT', path, { notify: 'loud' })).status).toBe(400);
    expect((await alice.call('PUT', path, {})).status).toBe(400);
    expect((await carol.call('GET', `/api/channels/${random}/preferences`)).status).toBe(403);
  });
}
