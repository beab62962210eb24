/** Attaches a file the way the page does: staged in main in bridge-sized chunks (beginAttachment/appendAttachment). */
import { ATTACHMENT_CHUNK_BYTES, type CallHandlers } from '../../../src-shared/bridge';

export interface TestFile {
  name: string;
  mime: string;
  bytes: Uint8Array;
}

export async function attachFile(handlers: CallHandlers, file: TestFile): Promise<string> {
  const { attachmentId } = await handlers.beginAttachment({
    name: file.name,
    mime: file.mime,
    size: file.bytes.length,
  });
  for (let offset = 0; offset < file.bytes.length; offset += ATTACHMENT_CHUNK_BYTES) {
    const chunk = file.bytes.subarray(offset, offset + ATTACHMENT_CHUNK_BYTES);
    await handlers.appendAttachment({ attachmentId, offset, data: Buffer.from(chunk).toString('base64') });
  }
  return attachmentId;
}
