import { NAME_PATTERN } from '../../src-shared/protocol/limits';

/** What is wrong with a channel name, in words; null when it is fine. */
export function nameProblem(name: string): string | null {
  if (name.length === 0) return 'Give the channel a name.';
  if (name.length > 80) return `At most 80 characters (${name.length} now).`;
  if (/[A-Z]/.test(name)) return 'Lower-case letters only.';
  if (/\s/.test(name)) return 'No spaces: use - or _ instead.';
  if (!NAME_PATTERN.test(name)) return 'Only letters a–z, digits, - and _.';
  return null;
}
