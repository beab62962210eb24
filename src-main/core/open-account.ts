/** Opens a user's local store and the Account on it; says so when a bad store file was started afresh. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BridgeFailure } from '../../src-shared/bridge';
import type { UserSummary } from '../../src-shared/protocol';
import { LocalStore } from '../store/store';
import { Account, type AccountContext } from './account';

/**
 * Throws a BridgeFailure when there is no usable store at all. The file's integrity check runs after
 * this returns, off the main thread (`Account.integrity`), while the cache is read; `setAside`: it
 * failed, so the file is moved aside and a clean one started (database.ts).
 */
export function openAccount(user: UserSummary, ctx: AccountContext, setAside?: string): Account {
  const { ports, options, logger, emitter } = ctx;
  let store: LocalStore;
  try {
    mkdirSync(ports.paths.userData, { recursive: true, mode: 0o700 });
    store = LocalStore.open({
      file: join(ports.paths.userData, `relay-${user.id}.sqlite`),
      selfId: user.id,
      nativeBinding: options.nativeBinding,
      now: () => ports.clock.now(),
      check: 'later',
      setAside,
    });
  } catch (error) {
    // Not a bad file (that is recovered inside): no SQLite module, no permission, no disk.
    logger.error({ err: error instanceof Error ? error.message : String(error) }, 'local store unavailable');
    throw new BridgeFailure('INTERNAL', 'The local message store cannot be opened on this computer.');
  }
  const account = new Account(store, user, ctx);
  if (store.recovered) {
    logger.error({ movedTo: store.recovered.movedTo }, 'local database was unreadable and has been reset');
    emitter.emit('error', {
      code: 'DATABASE_RESET',
      message: `The local message store could not be read and was started afresh (the old file was kept as ${store.recovered.movedTo}). Messages will be fetched from the server again; unsent messages in the old file could not be recovered.`,
    });
  }
  // Local copies of files no longer queued (uploaded, discarded, staged and never sent) go.
  account.attachments
    .sweep(() => store.uploadKeys())
    .catch((error: unknown) => logger.warn({ err: String(error) }, 'sweeping attachments failed'));
  account.outbox.kick();
  account.emitChannels();
  account.emitOutboxCounts();
  return account;
}
