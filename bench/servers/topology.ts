/**
 * What a scenario needs from the server under test: users, channels with members, and for each user
 * what the load generator puts in the Socket.IO handshake. Every subject server (baseline or real)
 * answers the same `provision` command with an `Identities`.
 */
export interface Topology {
  users: number;
  /** Each channel as the indices of its member users. */
  channels: number[][];
}

export interface Identity {
  userId: string;
  token: string;
}

export interface Identities {
  users: Identity[];
  channelIds: string[];
}

/** `users` users in channels of `size` members each (the last channel may be smaller). */
export function groupsOf(users: number, size: number): Topology {
  const channels: number[][] = [];
  for (let start = 0; start < users; start += size) {
    channels.push(Array.from({ length: Math.min(size, users - start) }, (_, i) => start + i));
  }
  return { users, channels };
}
