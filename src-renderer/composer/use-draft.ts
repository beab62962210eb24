import { useEffect, useRef } from 'react';
import type { RelayApi } from '../../src-shared/bridge';

const SAVE_AFTER_MS = 400;

/**
 * The channel's draft, kept by the core across restarts: loaded when the channel opens, saved a
 * moment after typing stops and at once when leaving the channel.
 */
export function useDraft(
  relay: RelayApi,
  channelId: string,
  enabled: boolean,
  load: (draft: string) => void,
) {
  const pending = useRef<{ channelId: string; text: string } | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const touched = useRef(false);

  // The draft loads once per channel; `load` and `flush` only touch refs and a state setter.
  // biome-ignore lint/correctness/useExhaustiveDependencies: see above
  useEffect(() => {
    if (!enabled) return;
    touched.current = false;
    let cancelled = false;
    void relay.getDraft({ channelId }).then((result) => {
      // Typing raced the load: what was typed wins.
      if (!cancelled && result.ok && !touched.current) load(result.value);
    });
    return () => {
      cancelled = true;
      flush();
    };
  }, [relay, channelId, enabled]);

  function flush() {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    const save = pending.current;
    pending.current = null;
    if (save) void relay.setDraft(save);
  }

  /** Call on every user edit. */
  function changed(next: string) {
    if (!enabled) return;
    touched.current = true;
    pending.current = { channelId, text: next };
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(flush, SAVE_AFTER_MS);
  }

  return { changed, flush };
}
