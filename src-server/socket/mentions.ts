/**
 * Mentions, parsed by the server from a message's content on send and on edit: `@username` mentions that
 * person when they are a member of the channel; `@channel` and `@here` mention every member.
 */
import type { Store } from '../store/types';

/** `@name` not glued to a word before it (an e-mail address mentions nobody). Names: workspace.ts. */
const MENTION = /(?<![\p{L}\p{N}_.@-])@([a-z0-9_-]{1,80})/giu;
const EVERYONE = new Set(['channel', 'here']);
/** A message naming more people than this is looked up for the first ones only. */
export const MAX_MENTIONED_NAMES = 32;

/** The names mentioned, lower-cased, each once, in order of first mention. */
export function mentionedNames(content: string): string[] {
  if (!content.includes('@')) return [];
  const names = new Set<string>();
  for (const match of content.matchAll(MENTION)) {
    names.add(match[1]!.toLowerCase());
    if (names.size === MAX_MENTIONED_NAMES) break;
  }
  return [...names];
}

/** The user ids `content` mentions in the channel: its members only. */
export async function resolveMentions(store: Store, channelId: string, content: string): Promise<string[]> {
  const names = mentionedNames(content);
  if (names.length === 0) return [];
  const memberIds = (await store.channelMembers(channelId)).map((m) => m.id);
  if (names.some((name) => EVERYONE.has(name))) return memberIds;
  const users = await Promise.all(names.map((name) => store.findUserByUsername(name)));
  const members = new Set(memberIds);
  return users.filter((u) => u !== undefined && members.has(u.id)).map((u) => u!.id);
}
