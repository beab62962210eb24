/** Limits shared by the server, the core and the renderer (interface.md). */
export const MAX_CONTENT_LENGTH = 2000;
/** A Socket.IO frame over this is refused by the transport (the connection is closed). */
export const MAX_FRAME_BYTES = 64 * 1024;
export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 500;
/** The server ends a typist's indicator itself after this long without a refresh. */
export const SERVER_TYPING_TIMEOUT_MS = 6_000;
/** Clients drop a typist after this long without a refresh. */
export const CLIENT_TYPING_TIMEOUT_MS = 10_000;
/** Outgoing typing is debounced this long (protocol document, "Debounce Typing Events"). */
export const TYPING_DEBOUNCE_MS = 300;
/** Default messages a second per user; a burst of that many is allowed. */
export const DEFAULT_MESSAGE_RATE_LIMIT = 10;
/** Files one message may carry (interface.md, Files). */
export const MAX_FILES_PER_MESSAGE = 10;
/** Default UPLOAD_MAX_BYTES: a bigger upload is refused with 413. */
export const DEFAULT_UPLOAD_MAX_BYTES = 25 * 1024 * 1024;
