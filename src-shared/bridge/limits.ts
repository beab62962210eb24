/**
 * The bridge's constants, in a module without zod: the renderer's first screen reads them without
 * building the contract's schemas (those load with the browser host's bridge, figure 7).
 */

/** Bytes per appendAttachment chunk: base64 of it fits a bridge frame with room to spare. */
export const ATTACHMENT_CHUNK_BYTES = 256 * 1024;

/** After this long without input the app says its person is away (issue 13). */
export const IDLE_AFTER_MS = 10 * 60 * 1000;
