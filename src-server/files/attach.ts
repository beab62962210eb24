/**
 * `message:send`'s fileIds: only the sender's own uploads, each once, shown on the message as {id, name,
 * size, mime}. Checked on arrival; the insert checks again that they are still stored (the hourly
 * collection may delete one in between: store/types.ts insertMessage).
 */
import type { MessageFile } from '../../src-shared/protocol';
import { fileGone, forbidden } from '../errors';
import type { Store } from '../store/types';

export async function filesToAttach(
  store: Store,
  userId: string,
  fileIds: string[] | undefined,
): Promise<MessageFile[] | undefined> {
  if (!fileIds?.length) return undefined;
  const files = await Promise.all([...new Set(fileIds)].map((id) => store.getFile(id)));
  return files.map((file) => {
    if (!file) throw fileGone();
    if (file.userId !== userId) throw forbidden('Only your own uploads can be attached');
    return { id: file.id, name: file.name, size: file.size, mime: file.mime };
  });
}
