import type { UserSummary } from '../../src-shared/protocol';

/** A stable hue per user, so people are told apart at a glance (no images: nothing is fetched). */
function hue(id: string): number {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) >>> 0;
  return hash % 360;
}

export function Avatar({ user }: { user: UserSummary }) {
  const initial = user.name.trim().charAt(0).toUpperCase() || '?';
  return (
    <span className="avatar" aria-hidden="true" style={{ backgroundColor: `hsl(${hue(user.id)} 55% 45%)` }}>
      {initial}
    </span>
  );
}
