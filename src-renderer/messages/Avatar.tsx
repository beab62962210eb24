import type { UserSummary } from '../../src-shared/protocol';

/** Colours far enough apart to tell people apart at a glance, readable under white text. */
const PALETTE = ['#2f6fde', '#c2410c', '#15803d', '#7c3aed', '#be185d', '#0e7490', '#a16207', '#4d7c0f'];

/** FNV-1a over the user id: a stable colour per user (no images: nothing is fetched). */
function colourOf(id: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return PALETTE[hash % PALETTE.length]!;
}

export function Avatar({ user }: { user: UserSummary }) {
  const initial = user.name.trim().charAt(0).toUpperCase() || '?';
  return (
    <span className="avatar" aria-hidden="true" style={{ backgroundColor: colourOf(user.id) }}>
      {initial}
    </span>
  );
}
