import type { MessageView } from '../../src-shared/bridge';
import { afterNextPaint } from '../messages/after-paint';

/**
 * This many of a batch's messages join the open channel's list in one task. A catch-up batch (25) is
 * more than a screenful, and the list renders, mounts, measures and lays out every new row at its end in
 * the task that adds them: a whole batch in one task was figure 13's longest renderer task (50–120 ms
 * quiet). In Chromium (bench/renderer/catch-up-batches.ts, load 10–13) a task's CPU went from p50 17–18
 * / p90 25 ms for a batch to 9–10 / 14–17 ms for a slice of 4 (8: 12–15 / 21–25).
 */
export const UPSERT_SLICE = 4;

/**
 * A backlog is drained in at most about this many frames: a slice grows with what waits, so slow frames
 * (a loaded machine) do not leave the newest messages off screen for seconds.
 */
const DRAIN_FRAMES = 8;

type Apply = (channelId: string, messages: MessageView[]) => void;
type Later = (run: () => void) => void;

/**
 * The open channel's batches, applied a slice per task: the first slice at once (a batch of up to a
 * slice is applied as it comes, in the same store update as the rest of its batch), the next ones each
 * in a task of its own after the next frame. Per channel, in the order they came: a later batch waits
 * behind an earlier one, and anything else that writes the channel's list first applies what waits
 * (`flush`), so the list ends as it would have with every batch applied at once.
 */
export class PacedUpserts {
  private readonly waiting = new Map<string, MessageView[]>();
  private scheduled = false;

  constructor(
    private readonly apply: Apply,
    private readonly later: Later = (run) => void afterNextPaint(run, 'task'),
    private readonly slice = UPSERT_SLICE,
  ) {}

  /**
   * Queues `messages` behind what waits for the channel; returns the slice to apply now, in the caller's
   * own store update (empty when an earlier batch still waits: that one goes first).
   */
  add(channelId: string, messages: readonly MessageView[]): MessageView[] {
    const queue = this.waiting.get(channelId);
    if (queue) {
      queue.push(...messages);
      return [];
    }
    const now = messages.slice(0, this.slice);
    if (messages.length > this.slice) {
      this.waiting.set(channelId, messages.slice(this.slice));
      this.schedule();
    }
    return now;
  }

  /** True while part of a batch waits for the channel. */
  holds(channelId: string): boolean {
    return this.waiting.has(channelId);
  }

  /** Applies at once what waits for the channel: before anything else writes its list. */
  flush(channelId: string): void {
    const queue = this.waiting.get(channelId);
    if (!queue) return;
    this.waiting.delete(channelId);
    this.apply(channelId, queue);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.later(() => {
      this.scheduled = false;
      for (const [channelId, queue] of [...this.waiting]) {
        const next = queue.splice(0, Math.max(this.slice, Math.ceil(queue.length / DRAIN_FRAMES)));
        if (queue.length === 0) this.waiting.delete(channelId);
        this.apply(channelId, next);
      }
      if (this.waiting.size > 0) this.schedule();
    });
  }
}
