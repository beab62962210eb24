/**
 * The core's event stream, fanned out to every connected renderer (one Electron window, or each page
 * of the browser host). One subscription per event on the core, however many sinks come and go.
 *
 * Payloads are checked against the contract before they leave main: a renderer can trust what it
 * receives, and a core bug is logged here, by event name, instead of corrupting the UI.
 */
import { type EventName, type EventPayload, eventNames, events } from '../../src-shared/bridge';

export type EventSource = {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};

/** Receives every event; must not throw (a throwing sink is logged and the others still get it). */
export type EventSink = (event: EventName, payload: unknown) => void;

export type EventFanout = {
  /** Adds a sink; returns the function that removes it. */
  connect(sink: EventSink): () => void;
  /** Sends an event that originates outside the core (e.g. the browser host's notifications). */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  /** Unsubscribes from the core and drops every sink. */
  close(): void;
};

export function createEventFanout(
  source: EventSource,
  log: (message: string, details: Record<string, unknown>) => void = (m, d) => console.error(m, d),
): EventFanout {
  const sinks = new Set<EventSink>();

  const emit = (event: EventName, payload: unknown) => {
    // Nobody to send it to (the browser host before its first page connects: the account's open emits
    // its channels, outbox counts and connection state): nothing leaves main, so nothing is checked.
    // Bench figure 13: zod's first checks of those events (its schemas built on first use) were 11 ms of
    // an 81 ms start to the first page, and 430 ms of 1,050 in a slow one.
    if (sinks.size === 0) return;
    const parsed = events[event].safeParse(payload);
    if (!parsed.success) {
      log('bridge: event outside the contract dropped', {
        event,
        issues: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.code}`),
      });
      return;
    }
    for (const sink of [...sinks]) {
      try {
        sink(event, parsed.data);
      } catch (error) {
        log('bridge: event sink failed', {
          event,
          error: error instanceof Error ? error.name : typeof error,
        });
      }
    }
  };

  const unsubscribes = eventNames.map((event) =>
    source.on(event, (payload: unknown) => emit(event, payload)),
  );

  return {
    connect(sink) {
      sinks.add(sink);
      return () => {
        sinks.delete(sink);
      };
    },
    emit,
    close() {
      for (const unsubscribe of unsubscribes) unsubscribe();
      sinks.clear();
    },
  };
}
