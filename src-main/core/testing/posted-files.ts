/**
 * A real server (in-process, demo workspace) where alice has posted a text file and a PNG in #random
 * (alice and bob; not carol): what the file cache and the hosts' file routes are tested against.
 */
import { randomUUID } from 'node:crypto';
import { pngOf, upload } from '../../../src-server/files/suite';
import { connectAs, emitWithAck, login, startTestServer, type TestServer } from '../../../src-server/testing';
import { MessageEvent, type SendAck, UploadedFile } from '../../../src-shared/protocol';

export interface PostedFiles {
  server: TestServer;
  text: UploadedFile & { bytes: Buffer };
  image: UploadedFile & { bytes: Buffer };
  /** Credentials as the file cache wants them. */
  as(username: 'alice' | 'bob' | 'carol'): Promise<{ serverUrl: string; token: string; userId: string }>;
  close(): Promise<void>;
}

export async function serverWithPostedFiles(): Promise<PostedFiles> {
  const server = await startTestServer();
  const alice = await connectAs(server.url, 'alice');
  try {
    const post = async (bytes: Buffer, name: string) => {
      const answer = await upload(server.url, alice.token, new Uint8Array(bytes), { 'x-file-name': name });
      return { ...UploadedFile.parse(answer.body), bytes };
    };
    const text = await post(Buffer.from('meeting notes\n'.repeat(50)), 'notes.txt');
    const image = await post(await pngOf(900, 300), 'chart.png');
    const channels = (await (
      await fetch(`${server.url}/api/channels`, { headers: { authorization: `Bearer ${alice.token}` } })
    ).json()) as { id: string; name: string }[];
    const ack = await emitWithAck<SendAck>(alice.socket, MessageEvent.SEND, {
      channelId: channels.find((c) => c.name === 'random')!.id,
      content: 'two files',
      clientMessageId: randomUUID(),
      fileIds: [text.id, image.id],
    });
    if (!ack.ok) throw new Error(`posting the files failed: ${ack.error}`);
    return {
      server,
      text,
      image,
      async as(username) {
        const { token, user } = await login(server.url, username);
        return { serverUrl: server.url, token, userId: user.id };
      },
      close: () => server.close(),
    };
  } finally {
    alice.socket.close();
  }
}
