import { useMemo } from 'react';
import { useApp } from '../store/context';

const noMembers: { id: string; name: string }[] = [];

/**
 * The names the store knows for a channel's people: who reacted (tooltips) and who is mentioned
 * (pills). Someone no longer in the channel shows as "someone".
 */
export function useMemberNames(channelId: string) {
  const members = useApp((s) => s.channels.find((c) => c.id === channelId)?.members) ?? noMembers;
  const people = useApp((s) => s.people);
  return useMemo(() => {
    const byId = new Map(members.map((m) => [m.id, m.name]));
    const usernames = new Map(people.map((p) => [p.id, p.username]));
    return {
      nameOf: (userId: string) => byId.get(userId) ?? 'someone',
      /** The handle an @mention of this person is typed with, lowercased (for the pills). */
      handleOf: (userId: string) => (usernames.get(userId) ?? byId.get(userId))?.toLowerCase(),
    };
  }, [members, people]);
}
