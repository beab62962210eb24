/** The server's message ids: time-ordered (src-shared/ids/uuid-v7.ts, shared with the app's clientMessageIds). */
import { randomFillSync } from 'node:crypto';
import { uuidV7Generator } from '../../src-shared/ids/uuid-v7';

export const uuidV7 = uuidV7Generator(randomFillSync);
