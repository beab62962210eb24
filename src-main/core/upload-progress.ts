/**
 * Upload progress for the page (issue 17), throttled per file: the first report of an attempt (0), then
 * at most one every `intervalMs`, and always the last (every byte handed over). A 25 MiB file in 64 KiB
 * slices would otherwise be 400 bridge events; at 100 ms a bar still moves smoothly.
 */
import type { EventPayload } from '../../src-shared/bridge';
import type { OperationRow } from '../store/store';
import type { Clock } from './ports';

type Progress = EventPayload<'uploadProgress'>;

export class UploadProgress {
  private readonly last = new Map<string, { at: number; sent: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly emit: (progress: Progress) => void,
    private readonly intervalMs = 100,
  ) {}

  report(op: OperationRow, sent: number, total: number): void {
    const now = this.clock.now();
    const last = this.last.get(op.op_id);
    // A restarted attempt starts again at 0: said at once, so the bar goes back with it.
    const fresh = last === undefined || sent < last.sent;
    if (!fresh && sent < total && now - last.at < this.intervalMs) return;
    if (sent >= total) this.last.delete(op.op_id);
    else this.last.set(op.op_id, { at: now, sent });
    this.emit({ channelId: op.channel_id, messageKey: op.message_key, opId: op.op_id, sent, total });
  }

  /** The upload is over (done, cancelled, refused): nothing kept for it. */
  forget(opId: string): void {
    this.last.delete(opId);
  }
}
