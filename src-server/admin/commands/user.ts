/** `npm run admin -- user …`: add (invite link or --password-stdin), list, deactivate, reset-password. */
import { Name, NewPassword } from '../../../src-shared/protocol';
import { hashPassword } from '../../auth/passwords';
import type { Store, UserRecord } from '../../store/types';
import { describeZodError } from '../../validation';
import { createInvite, inviteLink } from '../../workspace/invites';
import { oneName, parseCommandArgs } from '../args';
import { type AdminContext, AdminError, subcommandGroup } from '../command';

const USAGE = `Usage: npm run admin -- user COMMAND

  user add NAME [--display-name "…"] [--admin] [--password-stdin]
      Adds a person. Without --password-stdin, prints a one-time invite link (RELAY_URL/invite/TOKEN,
      valid 7 days) whose page sets the password. RELAY_URL defaults to http://127.0.0.1:PORT (3000).
  user list
      Every user: username, display name, admin, active.
  user deactivate NAME
      Signs the user out everywhere at once (open apps show Unauthorized); they can no longer sign in.
  user reset-password NAME [--password-stdin]
      Ends every session of the user; prints a new invite link unless the password comes on stdin.

Names: lower-case letters, digits, - and _, 1 to 80 characters. Passwords: at least 10 characters.`;

async function readPassword(ctx: AdminContext): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.stdin) chunks.push(Buffer.from(chunk as Buffer));
  // One line: the newline that ends what was typed or echoed is not part of the password.
  const password = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  const parsed = NewPassword.safeParse(password);
  if (!parsed.success) throw new AdminError(describeZodError(parsed.error));
  return hashPassword(parsed.data);
}

function relayUrl(env: NodeJS.ProcessEnv): string {
  return env.RELAY_URL || `http://127.0.0.1:${env.PORT || 3000}`;
}

async function findUser(store: Store, name: string): Promise<UserRecord> {
  const user = await store.findUserByUsername(name);
  if (!user) throw new AdminError(`No user named ${name}`);
  return user;
}

async function add(args: string[], ctx: AdminContext): Promise<void> {
  const parsed = parseCommandArgs(args, {
    booleans: ['--admin', '--password-stdin'],
    values: ['--display-name'],
  });
  const username = oneName(parsed, 'user add NAME');
  const valid = Name.safeParse(username);
  if (!valid.success) throw new AdminError(describeZodError(valid.error));
  const displayName = (parsed.flags.get('--display-name') as string | undefined)?.trim() || username;
  const passwordHash = parsed.flags.has('--password-stdin') ? await readPassword(ctx) : undefined;
  const store = await ctx.openStore();
  const user = await store.createUser({
    username,
    name: displayName,
    admin: parsed.flags.has('--admin'),
    passwordHash,
  });
  if (!user) throw new AdminError(`The username ${username} is taken`);
  if (passwordHash) {
    ctx.print(`Added ${username}${user.admin ? ' (admin)' : ''}: they can sign in now.`);
    return;
  }
  ctx.print(`Added ${username}${user.admin ? ' (admin)' : ''}. Send them this one-time link (valid 7 days):`);
  ctx.print(inviteLink(relayUrl(ctx.env), await createInvite(store, user.id)));
}

async function list(args: string[], ctx: AdminContext): Promise<void> {
  parseCommandArgs(args, {});
  const users = await (await ctx.openStore()).listUsers();
  if (users.length === 0) ctx.print('No users yet.');
  for (const u of users) {
    const notes = [u.admin ? 'admin' : '', u.active ? '' : 'deactivated', u.passwordHash ? '' : 'invited'];
    ctx.print(
      [u.username.padEnd(24), u.name.padEnd(24), notes.filter(Boolean).join(', ')].join(' ').trimEnd(),
    );
  }
}

async function deactivate(args: string[], ctx: AdminContext): Promise<void> {
  const name = oneName(parseCommandArgs(args, {}), 'user deactivate NAME');
  const store = await ctx.openStore();
  const user = await findUser(store, name);
  await store.changeAuth(user.id, { active: false });
  await ctx.notify({ type: 'revoke', userId: user.id });
  ctx.print(`Deactivated ${name}: every session of theirs has ended.`);
}

async function resetPassword(args: string[], ctx: AdminContext): Promise<void> {
  const parsed = parseCommandArgs(args, { booleans: ['--password-stdin'] });
  const name = oneName(parsed, 'user reset-password NAME');
  const passwordHash = parsed.flags.has('--password-stdin') ? await readPassword(ctx) : undefined;
  const store = await ctx.openStore();
  const user = await findUser(store, name);
  // Without a new password the old one stops working too: only the invite sets the next one.
  await store.changeAuth(user.id, { passwordHash: passwordHash ?? '' });
  await ctx.notify({ type: 'revoke', userId: user.id });
  if (passwordHash) {
    ctx.print(`New password set for ${name}; their earlier sessions have ended.`);
    return;
  }
  ctx.print(
    `Their sessions have ended. Send ${name} this one-time link to set a new password (valid 7 days):`,
  );
  ctx.print(inviteLink(relayUrl(ctx.env), await createInvite(store, user.id)));
}

export const userCommand = subcommandGroup(
  'user',
  'people: add (invite link or --password-stdin), list, deactivate, reset-password',
  USAGE,
  {
    add,
    list,
    deactivate,
    'reset-password': resetPassword,
  },
);
