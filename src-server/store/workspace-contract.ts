/**
 * The Store contract's workspace half (people, invites, channels), run against every store beside
 * contract.ts: `workspaceContract(fixture)` in sqlite.test.ts and postgres.test.ts.
 */
import { expect, it } from 'vitest';
import { type StoreFixture, storePerTest } from './contract';

export function workspaceContract(makeFixture: () => Promise<StoreFixture>): void {
  const open = storePerTest(makeFixture);

  const day = (d: number) => new Date(Date.UTC(2026, 0, d)).toISOString();

  it('creates users once per username, lists them, and starts them active at token version 0', async () => {
    const store = await open();
    const ann = await store.createUser({ username: 'ann', name: 'Ann', admin: true, passwordHash: 'h' });
    expect(ann).toMatchObject({ username: 'ann', name: 'Ann', admin: true, active: true, tokenVersion: 0 });
    expect(await store.createUser({ username: 'ann', name: 'Other' })).toBeUndefined();
    const invited = await store.createUser({ username: 'ben', name: 'Ben' });
    expect(invited).toMatchObject({ admin: false, passwordHash: '' });
    expect((await store.listUsers()).map((u) => u.username)).toEqual(['ann', 'ben']);
    expect(await store.getUser(ann!.id)).toEqual(ann);
  });

  it('raises the token version with every change of password or activity', async () => {
    const store = await open();
    const ann = (await store.createUser({ username: 'ann', name: 'Ann', passwordHash: 'old' }))!;
    expect(await store.changeAuth(ann.id, { passwordHash: 'new' })).toMatchObject({
      passwordHash: 'new',
      active: true,
      tokenVersion: 1,
    });
    expect(await store.changeAuth(ann.id, {})).toMatchObject({ passwordHash: 'new', tokenVersion: 2 });
    expect(await store.changeAuth(ann.id, { active: false })).toMatchObject({
      active: false,
      tokenVersion: 3,
    });
    expect(await store.changeAuth('00000000-0000-4000-8000-000000000000', {})).toBeUndefined();
  });

  it('redeems an invite once, never after it expired, never for a deactivated user', async () => {
    const store = await open();
    const ben = (await store.createUser({ username: 'ben', name: 'Ben' }))!;
    await store.createInvite(ben.id, 'hash-1', day(8));
    expect(await store.redeemInvite('nope', 'pw', day(2))).toEqual({ ok: false, reason: 'unknown' });
    const first = await store.redeemInvite('hash-1', 'pw', day(2));
    expect(first).toMatchObject({ ok: true, user: { id: ben.id, passwordHash: 'pw', tokenVersion: 1 } });
    expect(await store.redeemInvite('hash-1', 'pw2', day(3))).toEqual({ ok: false, reason: 'used' });
    expect((await store.getUser(ben.id))?.passwordHash).toBe('pw');

    await store.createInvite(ben.id, 'hash-2', day(8));
    expect(await store.redeemInvite('hash-2', 'pw', day(8))).toEqual({ ok: false, reason: 'expired' });
    await store.createInvite(ben.id, 'hash-3', day(8));
    await store.changeAuth(ben.id, { active: false });
    expect(await store.redeemInvite('hash-3', 'pw', day(2))).toEqual({ ok: false, reason: 'unknown' });
  });

  it('redeems an invite once when two instances race for it', async () => {
    const [a, b] = [await open(), await open()];
    const ben = (await a.createUser({ username: 'ben', name: 'Ben' }))!;
    await a.createInvite(ben.id, 'hash', day(8));
    const results = await Promise.all([a, b, a, b].map((s, i) => s.redeemInvite('hash', `pw${i}`, day(2))));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it('creates a channel with its members once per name, and finds it by id and name', async () => {
    const store = await open();
    const ann = (await store.createUser({ username: 'ann', name: 'Ann' }))!;
    const ben = (await store.createUser({ username: 'ben', name: 'Ben' }))!;
    const first = await store.createChannel({
      name: 'ops',
      private: true,
      topic: 'pager',
      createdBy: ann.id,
      memberIds: [ann.id, ben.id],
    });
    expect(first.created).toBe(true);
    expect(first.channel).toMatchObject({
      name: 'ops',
      kind: 'channel',
      private: true,
      topic: 'pager',
      archived: false,
      createdBy: ann.id,
      lastSeq: 0,
    });
    const again = await store.createChannel({ name: 'ops', memberIds: [] });
    expect(again).toEqual({ channel: first.channel, created: false });
    expect(await store.getChannel(first.channel.id)).toEqual(first.channel);
    expect(await store.findChannelByName('ops')).toEqual(first.channel);
    expect(await store.getChannel('not-a-uuid')).toBeUndefined();
    expect(await store.channelMembers(first.channel.id)).toEqual([
      { id: ann.id, name: 'Ann' },
      { id: ben.id, name: 'Ben' },
    ]);
    const [listed] = await store.listChannels(ben.id);
    expect(listed).toMatchObject({
      name: 'ops',
      kind: 'channel',
      private: true,
      topic: 'pager',
      memberIds: [ann.id, ben.id],
    });
  });

  it('gives one channel to a DM set when two instances create it at once', async () => {
    const [a, b] = [await open(), await open()];
    const ann = (await a.createUser({ username: 'ann', name: 'Ann' }))!;
    const ben = (await a.createUser({ username: 'ben', name: 'Ben' }))!;
    const dm = { name: 'dm:key', kind: 'dm' as const, private: true, memberIds: [ann.id, ben.id] };
    const results = await Promise.all([a.createChannel(dm), b.createChannel(dm), a.createChannel(dm)]);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.channel.id)).size).toBe(1);
    expect(results[0]!.channel.kind).toBe('dm');
    expect((await b.channelMembers(results[0]!.channel.id)).map((m) => m.id).sort()).toEqual(
      [ann.id, ben.id].sort(),
    );
  });

  it('adds and removes members, saying whether anything changed', async () => {
    const store = await open();
    const ann = (await store.createUser({ username: 'ann', name: 'Ann' }))!;
    const { channel } = await store.createChannel({ name: 'ops', memberIds: [] });
    expect(await store.addMember(channel.id, ann.id)).toBe(true);
    expect(await store.addMember(channel.id, ann.id)).toBe(false);
    expect(await store.membership(channel.id, ann.id)).toBe('member');
    expect(await store.removeMember(channel.id, ann.id)).toBe(true);
    expect(await store.removeMember(channel.id, ann.id)).toBe(false);
    expect(await store.membership(channel.id, ann.id)).toBe('not_member');
    expect(await store.listChannels(ann.id)).toEqual([]);
  });

  it('renames, sets a topic and archives; a taken name changes nothing', async () => {
    const store = await open();
    const { channel } = await store.createChannel({ name: 'ops', memberIds: [] });
    await store.createChannel({ name: 'dev', memberIds: [] });
    expect(await store.updateChannel(channel.id, { name: 'sre', topic: 'on call' })).toBe(true);
    expect(await store.updateChannel(channel.id, { name: 'dev', topic: 'lost' })).toBe(false);
    expect(await store.updateChannel(channel.id, { archived: true })).toBe(true);
    expect(await store.getChannel(channel.id)).toMatchObject({
      name: 'sre',
      topic: 'on call',
      archived: true,
    });
    expect((await store.listChannelRecords()).map((c) => c.name)).toEqual(['dev', 'sre']);
  });
}
