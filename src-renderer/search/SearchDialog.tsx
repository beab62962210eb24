import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import type { SearchResult } from '../../src-shared/bridge';
import { Dialog } from '../dialog/Dialog';
import { formatFull, formatTime } from '../messages/time';
import { useAppStore, useRelay } from '../store/context';
import { rangeParts } from './highlight';

/** Typing pauses this long before a search goes out (each keystroke is not a query). */
export const SEARCH_DEBOUNCE_MS = 200;
const RESULT_LIMIT = 50;

type Found = { query: string; results: SearchResult[]; offline: boolean };

/**
 * Search over every channel one is in (issue 14): the core answers from what this app has seen at
 * once, with the server's older history merged in when online. Results show the channel, author,
 * time and the matching words; Enter or a click opens the message in its channel (or its thread).
 * In the app's one Dialog: Esc closes it and focus goes back where it was.
 */
export function SearchDialog({ onClose }: { onClose: () => void }) {
  const relay = useRelay();
  const store = useAppStore();
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<Found | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [active, setActive] = useState(0);
  const listId = useId();
  const statusId = useId();
  const asked = useRef(0);

  useEffect(() => {
    const q = query.trim();
    asked.current += 1;
    const ticket = asked.current;
    if (q === '') {
      setFound(null);
      setError(null);
      return;
    }
    const timer = setTimeout(async () => {
      const result = await relay.searchMessages({ query: q.slice(0, 200), limit: RESULT_LIMIT });
      // An answer to an older query (typing went on) is not shown.
      if (ticket !== asked.current) return;
      if (!result.ok) {
        setError(result.error.message);
        return;
      }
      setError(null);
      setActive(0);
      setFound({ query: q, ...result.value });
    }, SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [query, relay]);

  const results = found?.results ?? [];
  const current = Math.min(active, Math.max(0, results.length - 1));
  const optionId = (i: number) => `${listId}-${i}`;

  function open(result: SearchResult) {
    onClose();
    const state = store.getState();
    if (result.messageId) void state.navigateTo(result.channelId, result.messageId);
    else void state.selectChannel(result.channelId);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (results.length === 0) return;
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((current + step + results.length) % results.length);
      document
        .getElementById(optionId((current + step + results.length) % results.length))
        ?.scrollIntoView?.({
          block: 'nearest',
        });
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const result = results[current];
      if (result) open(result);
    }
  }

  const status = error
    ? `Search failed: ${error}`
    : !found
      ? query.trim()
        ? 'Searching…'
        : 'Type to search messages in all your channels'
      : results.length === 0
        ? `No messages match “${found.query}”`
        : `${results.length === RESULT_LIMIT ? `The ${RESULT_LIMIT} newest` : results.length} ${results.length === 1 ? 'message' : 'messages'}${found.offline ? ', from what this app has seen (offline)' : ''}`;

  return (
    <Dialog title="Search messages" titleHidden className="search-dialog" onClose={onClose}>
      <div className="search-box">
        <input
          type="search"
          data-testid="search-input"
          className="search-input"
          role="combobox"
          aria-label="Search messages"
          aria-expanded={results.length > 0}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-describedby={statusId}
          aria-activedescendant={results.length > 0 ? optionId(current) : undefined}
          placeholder="Search messages"
          data-autofocus
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          onKeyDown={onKeyDown}
        />
      </div>
      <p id={statusId} className="search-status" role="status">
        {status}
      </p>
      <div id={listId} role="listbox" aria-label="Results" className="search-results">
        {results.map((result, index) => (
          // biome-ignore lint/a11y/useKeyWithClickEvents: the keys are the search box's (aria-activedescendant)
          <div
            key={`${result.channelId}:${result.key}`}
            id={optionId(index)}
            role="option"
            tabIndex={-1}
            aria-selected={index === current}
            data-testid="search-result"
            data-channel-id={result.channelId}
            data-message-id={result.messageId}
            className={`search-result${index === current ? ' active' : ''}`}
            onMouseDown={(event) => event.preventDefault()}
            onMouseMove={() => setActive(index)}
            onClick={() => open(result)}
          >
            <SearchResultRow result={result} query={found?.query ?? ''} />
          </div>
        ))}
      </div>
    </Dialog>
  );
}

function SearchResultRow({ result, query }: { result: SearchResult; query: string }) {
  const at = new Date(result.createdAt);
  return (
    <>
      <span className="search-result-meta">
        <span className="search-result-channel">#{result.channelName}</span>
        <span className="search-result-author">{result.author.name}</span>
        <time dateTime={result.createdAt} title={formatFull(at)}>
          {formatDay(at)} {formatTime(at)}
        </time>
        {result.parentId && <span className="search-result-thread">in a thread</span>}
      </span>
      <span className="search-result-snippet">
        {rangeParts(result.snippet, result.matches, query).map((part, i) =>
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one fixed text, in order
          part.match ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>,
        )}
      </span>
    </>
  );
}

function formatDay(at: Date): string {
  const today = new Date();
  if (at.toDateString() === today.toDateString()) return 'Today';
  return at.toLocaleDateString(undefined, {
    month: 'short',
    day: 'numeric',
    year: at.getFullYear() === today.getFullYear() ? undefined : 'numeric',
  });
}
