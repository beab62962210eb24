/**
 * Order by construction (interface.md): a send numbered `deviceSeq` by its device (`deviceId`, one per app
 * installation) is taken only when it is that device's next in the channel; otherwise it is refused
 * OUT_OF_ORDER with the number expected, stores nothing and does not count against the rate limit, and
 * the client resends from the gap. So a refused send can never be overtaken by the ones pipelined behind
 * it, however slowly they arrive.
 *
 * The store holds each device's position and checks it again in the insert's own transaction
 * (store/types.ts insertNumbered): that check is the one that counts. This is the instance's view of it,
 * consulted in the send's ordered turn (keyed by user and channel), so that an out-of-order send is
 * answered before it touches the rate limit. While this instance has writes of a device queued, the
 * position they will leave is known here; otherwise it is read from the store, after the last of them
 * committed. A view the store contradicts (the device also sent through another instance) is dropped.
 */
import { ErrorCode } from '../../src-shared/protocol';
import { AppError } from '../errors';
import type { DeviceSeq, Store } from '../store/types';

interface Queued {
  /** The deviceSeq expected after the writes queued here. */
  next: number;
  /** Writes (inserts, skips) queued and not yet settled. */
  pending: number;
  /** Called once `pending` is back to 0 (`stored`). */
  drained: (() => void)[] | undefined;
}

export function outOfOrder(expectedSeq: number): AppError {
  return new AppError(
    ErrorCode.OUT_OF_ORDER,
    `Out of order: this device's next message here is #${expectedSeq}`,
    {
      expectedSeq,
    },
  );
}

export class DeviceOrder {
  private readonly queued = new Map<string, Queued>();

  constructor(private readonly store: Store) {}

  /**
   * In the send's turn, before a numbered send refused for good uses up its number: throws OUT_OF_ORDER
   * unless it is the next one as the store has it. The writes queued here are waited for first: `next`
   * counts each as using its number, but a copy (found by the store in its insert) uses none, so a send
   * behind a renumbered copy looks like the next one here while the store still expects the copy's.
   */
  async checkStored(userId: string, channelId: string, device: DeviceSeq): Promise<void> {
    const entry = this.queued.get(keyOf(userId, channelId, device));
    if (entry && entry.pending > 0) {
      await new Promise<void>((resolve) => {
        entry.drained ??= [];
        entry.drained.push(resolve);
      });
    }
    const expected = (await this.store.devicePosition(userId, device.deviceId, channelId)) + 1;
    if (device.deviceSeq !== expected) throw outOfOrder(expected);
  }

  /** In the send's turn: the deviceSeq this device's next send in the channel must carry. */
  async expected(userId: string, channelId: string, device: DeviceSeq): Promise<number> {
    return (
      this.queuedNext(userId, channelId, device) ??
      (await this.store.devicePosition(userId, device.deviceId, channelId)) + 1
    );
  }

  /** The same, known without a read while this device has writes queued here (a pipeline). */
  queuedNext(userId: string, channelId: string, device: DeviceSeq): number | undefined {
    return this.queued.get(keyOf(userId, channelId, device))?.next;
  }

  /** In the turn: the number is used by `write` (its queued insert or skip); the next one is expected. */
  used(userId: string, channelId: string, device: DeviceSeq, write: Promise<unknown>): void {
    const key = keyOf(userId, channelId, device);
    let entry = this.queued.get(key);
    if (!entry) {
      entry = { next: 0, pending: 0, drained: undefined };
      this.queued.set(key, entry);
    }
    entry.next = device.deviceSeq + 1;
    entry.pending++;
    const queued = entry;
    write.then(
      () => this.settled(key, queued),
      () => this.settled(key, queued),
    );
  }

  private settled(key: string, entry: Queued): void {
    if (--entry.pending > 0) return;
    if (this.queued.get(key) === entry) this.queued.delete(key);
    for (const resolve of entry.drained?.splice(0) ?? []) resolve();
  }

  /** The store refused a write this view let through: read the position from the store next time. */
  forget(userId: string, channelId: string, device: DeviceSeq): void {
    this.queued.delete(keyOf(userId, channelId, device));
  }
}

function keyOf(userId: string, channelId: string, { deviceId }: DeviceSeq): string {
  return `${userId}:${deviceId}:${channelId}`;
}
