/**
 * Baseline: a bare Socket.IO relay — what a plain Socket.IO app gives. No auth, no validation, no
 * storage (relay.ts).
 */
import { startRelay } from './relay';

startRelay(Number(process.argv[2] ?? 0));
