/** `npm run admin -- channel …`: add, list, archive. */
import { Name } from '../../../src-shared/protocol';
import { describeZodError } from '../../validation';
import { oneName, parseCommandArgs } from '../args';
import { type AdminContext, AdminError, subcommandGroup } from '../command';

const USAGE = `Usage: npm run admin -- channel COMMAND

  channel add NAME [--private] [--members a,b]
      Creates a channel with these members (usernames). Public channels can be joined by anyone.
  channel list
      Every channel: name, public or private, archived, members.
  channel archive NAME
      Makes the channel read-only: it stays readable and refuses new messages.

Names: lower-case letters, digits, - and _, 1 to 80 characters.`;

async function add(args: string[], ctx: AdminContext): Promise<void> {
  const parsed = parseCommandArgs(args, { booleans: ['--private'], values: ['--members'] });
  const name = oneName(parsed, 'channel add NAME');
  const valid = Name.safeParse(name);
  if (!valid.success) throw new AdminError(describeZodError(valid.error));
  const usernames = ((parsed.flags.get('--members') as string | undefined) ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  const store = await ctx.openStore();
  const memberIds: string[] = [];
  for (const username of new Set(usernames)) {
    const user = await store.findUserByUsername(username);
    if (!user) throw new AdminError(`No user named ${username}`);
    memberIds.push(user.id);
  }
  const { channel, created } = await store.createChannel({
    name,
    private: parsed.flags.has('--private'),
    memberIds,
  });
  if (!created) throw new AdminError(`The channel name ${name} is taken`);
  await ctx.notify(
    ...memberIds.map((userId) => ({ type: 'member' as const, channelId: channel.id, userId, joined: true })),
  );
  ctx.print(`Created #${name} (${channel.private ? 'private' : 'public'}, ${memberIds.length} members).`);
}

async function list(args: string[], ctx: AdminContext): Promise<void> {
  parseCommandArgs(args, {});
  const store = await ctx.openStore();
  const channels = (await store.listChannelRecords()).filter((c) => c.kind === 'channel');
  if (channels.length === 0) ctx.print('No channels yet.');
  for (const c of channels) {
    const members = await store.channelMembers(c.id);
    const notes = [
      c.private ? 'private' : 'public',
      c.archived ? 'archived' : '',
      `${members.length} members`,
    ];
    ctx.print(`#${c.name.padEnd(24)} ${notes.filter(Boolean).join(', ')}`);
  }
}

async function archive(args: string[], ctx: AdminContext): Promise<void> {
  const name = oneName(parseCommandArgs(args, {}), 'channel archive NAME');
  const store = await ctx.openStore();
  const channel = await store.findChannelByName(name);
  if (channel?.kind !== 'channel') throw new AdminError(`No channel named ${name}`);
  await store.updateChannel(channel.id, { archived: true });
  await ctx.notify({ type: 'channel', channelId: channel.id });
  ctx.print(`Archived #${name}: it stays readable and refuses new messages.`);
}

export const channelCommand = subcommandGroup(
  'channel',
  'channels: add (--private, --members), list, archive',
  USAGE,
  {
    add,
    list,
    archive,
  },
);
