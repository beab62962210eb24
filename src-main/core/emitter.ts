/** The core's event stream, typed by the bridge contract's `events` table. */
import type { EventName, EventPayload } from '../../src-shared/bridge';
import type { Logger } from './ports';

export type Listener<E extends EventName> = (payload: EventPayload<E>) => void;

export class CoreEmitter {
  private readonly listeners = new Map<EventName, Set<(payload: never) => void>>();

  constructor(private readonly logger: Logger) {}

  on<E extends EventName>(event: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as (payload: never) => void);
    return () => {
      set.delete(listener as (payload: never) => void);
    };
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners.get(event) ?? []) {
      try {
        (listener as Listener<E>)(payload);
      } catch (error) {
        // One broken subscriber must not stop the core or the other subscribers.
        this.logger.error({ event, err: String(error) }, 'event listener threw');
      }
    }
  }
}
