/**
 * The entry of a worker thread whose code is TypeScript: the server runs from source under tsx.
 * Node 20 does not apply the parent's `--import tsx` hooks to a worker thread's entry module
 * (nodejs/node#47747, privatenumber/tsx#354: ERR_UNKNOWN_FILE_EXTENSION), and vitest's processes have no
 * loader at all; so the thread registers tsx itself, then imports the module named in workerData.module.
 */
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.module);
