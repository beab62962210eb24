/** Limits shared by the server, the core and the renderer (interface.md). */
export const MAX_CONTENT_LENGTH = 2000;
/** A Socket.IO frame over this is refused by the transport (the connection is closed). */
export const MAX_FRAME_BYTES = 64 * 1024;
/**
 * `message:send:batch` (event-names.ts, RelayEvent): at most this many sends in one. A replay's window
 * (1,024) then goes in 16 frames, and a batch of short messages stays far below MAX_FRAME_BYTES.
 */
export const MAX_SEND_BATCH_ITEMS = 64;
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

// The workspace's limits (workspace.ts builds its schemas from them). Here, in a module without zod,
// so the renderer's first screen can read them without building every schema (figure 7).
/** User and channel names: lower-case letters, digits, `-` and `_`, 1 to 80 characters. */
export const NAME_PATTERN = /^[a-z0-9_-]{1,80}$/;
/** Set by an invite, a reset or --password-stdin (the --demo users keep `password`). */
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_TOPIC_LENGTH = 250;
/** People in one direct message, the caller included. */
export const DM_MIN_PEOPLE = 2;
export const DM_MAX_PEOPLE = 8;
