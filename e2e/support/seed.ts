/**
 * A conversation put on the server through the real protocol (each author's own raw socket), for
 * specs that need a channel with some history before the app opens it.
 */
import { expect } from '@playwright/test';
import { connectAs, emitWithAck } from '../../src-server/testing';
import type { DemoUser } from './app';
import { channelId } from './ui';

export type Poster = Awaited<ReturnType<typeof connectPosters>>;

/** A socket per demo user, and `post` to send as any of them (returns the message id). */
export async function connectPosters(url: string) {
  const users = {
    alice: await connectAs(url, 'alice'),
    bob: await connectAs(url, 'bob'),
    carol: await connectAs(url, 'carol'),
  };
  const channels = {
    general: await channelId(url, users.bob.token, 'general'),
    random: await channelId(url, users.bob.token, 'random'),
  };
  async function post(user: DemoUser, channel: string, content: string, parentId?: string): Promise<string> {
    const ack = await emitWithAck<{ ok: boolean; messageId: string; error?: string }>(
      users[user].socket,
      'message:send',
      { channelId: channel, content, ...(parentId ? { parentId } : {}) },
    );
    if (!ack.ok) throw new Error(`send refused: ${ack.error}`);
    return ack.messageId;
  }
  return {
    channels,
    post,
    close(): void {
      for (const user of Object.values(users)) user.socket.close();
    },
  };
}

/**
 * Sends each of `contents` to #general as `user` from a raw socket (what a hostile client can send, past
 * any app), each acknowledged as sent.
 */
export async function sendRaw(serverUrl: string, user: DemoUser, contents: readonly string[]): Promise<void> {
  const { socket, token } = await connectAs(serverUrl, user);
  try {
    const generalId = await channelId(serverUrl, token, 'general');
    for (const content of contents) {
      expect(await emitWithAck(socket, 'message:send', { channelId: generalId, content })).toMatchObject({
        ok: true,
      });
    }
  } finally {
    socket.close();
  }
}
