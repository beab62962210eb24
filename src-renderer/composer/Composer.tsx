import {
  type ClipboardEvent,
  type DragEvent,
  type FormEvent,
  type KeyboardEvent,
  useEffect,
  useId,
  useRef,
  useState,
} from 'react';
import { contentRefusal } from '../../src-shared/protocol/content-rules';
import { formatSize } from '../../src-shared/protocol/file-display';
import { MAX_CONTENT_LENGTH } from '../../src-shared/protocol/limits';
import { useApp, useAppStore, useRelay } from '../store/context';
import { MentionSuggestions, optionId } from './MentionSuggestions';
import { stageFiles, useAttachments } from './use-attachments';
import { useDraft } from './use-draft';
import { useMentionAutocomplete } from './use-mention-autocomplete';
import { useTyping } from './use-typing';

type Props = {
  channelId: string;
  /** The conversation as running text names it (`conversationLabel`): `#general`, or a DM's people. */
  channelLabel: string;
  /** Replying in a thread: no draft kept, and the reply goes under this message. */
  parentId?: string;
  autoFocus?: boolean;
};

/** The counter appears from here on: below it, it is only noise (issue 12). */
export const COUNTER_FROM = Math.floor(MAX_CONTENT_LENGTH * 0.9);

/**
 * The first problem with `text` as a message, as the shared schema words it, or null when it is
 * fine. Numbers are written as the counter writes them ("2,000", not "2000").
 */
export function contentProblem(text: string): string | null {
  const problem = contentRefusal(text);
  if (problem === null) return null;
  return problem.replace(/\d{4,}/g, (n) => Number(n).toLocaleString());
}

export function Composer({ channelId, channelLabel, parentId, autoFocus }: Props) {
  const store = useAppStore();
  const relay = useRelay();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const counterId = useId();
  const errorId = useId();
  const draft = useDraft(relay, channelId, parentId === undefined, setText);
  const typing = useTyping(relay, channelId);
  const fileInputRef = useRef<HTMLInputElement>(null);
  const attachments = useAttachments(setError);
  const desktop = useApp((s) => s.host === 'electron');
  const listId = useId();
  const mentions = useMentionAutocomplete(channelId, inputRef, (next) => edit(next));

  // A new channel or thread starts with an empty box (the draft, if any, loads into it). Reset while
  // rendering for the new one (React's way to reset state when a prop changes), not in an effect: an
  // effect runs a task after the box is shown, so a keystroke typed in between was wiped.
  const conversation = `${channelId}/${parentId ?? ''}`;
  const [shownFor, setShownFor] = useState(conversation);
  if (shownFor !== conversation) {
    setShownFor(conversation);
    setText('');
    setError(null);
    attachments.clear();
  }
  // biome-ignore lint/correctness/useExhaustiveDependencies: focus per channel/thread
  useEffect(() => {
    if (autoFocus) inputRef.current?.focus();
  }, [channelId, parentId]);

  const files = attachments.files;
  // Files alone are a message too: it says their names.
  const content = text.trim() === '' && files.length > 0 ? files.map((f) => f.name).join(', ') : text;
  const problem = contentProblem(content);
  const tooLong = text.length > MAX_CONTENT_LENGTH;
  const showCounter = text.length >= COUNTER_FROM;

  function edit(next: string) {
    setText(next);
    setError(null);
    draft.changed(next);
    typing.keystroke(next);
  }

  async function send() {
    if (problem) {
      // Empty or blank: nothing to say. Anything else (too long): say why.
      if (text.trim() !== '') setError(problem);
      return;
    }
    const typed = text;
    setText('');
    draft.changed('');
    draft.flush();
    typing.stop();
    attachments.clear();
    const staged = await stageFiles(relay, files);
    const result = staged.ok
      ? await store.getState().sendMessage(channelId, content, parentId, staged.ids)
      : ({ ok: false, error: { code: 'VALIDATION', message: staged.message } } as const);
    if (!result.ok) {
      // Not taken: the files come back too.
      attachments.add(files.map(({ id: _id, ...f }) => f));
      // Not taken (not even into the outbox): give the text back so nothing typed is lost.
      setText((current) => (current === '' ? typed : current));
      draft.changed(typed);
      store.getState().showError(result.error);
    }
    inputRef.current?.focus();
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (mentions.onKeyDown(event)) return;
    if (
      event.key === 'ArrowUp' &&
      text === '' &&
      !event.shiftKey &&
      !event.altKey &&
      !event.ctrlKey &&
      !event.metaKey &&
      store.getState().editLastOwn(channelId, parentId)
    ) {
      // Up in an empty box edits one's last message, in place (issue 14).
      event.preventDefault();
      return;
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.altKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void send();
    }
  }

  function onPaste(event: ClipboardEvent) {
    if (event.clipboardData.files.length === 0) return;
    event.preventDefault();
    attachments.add(event.clipboardData.files);
  }

  function onDrop(event: DragEvent) {
    if (event.dataTransfer.files.length === 0) return;
    event.preventDefault();
    attachments.add(event.dataTransfer.files);
  }

  /** Desktop: main's native dialog (files staged there); the browser host: the page's file input. */
  async function attach() {
    if (!desktop) {
      fileInputRef.current?.click();
      return;
    }
    const picked = await relay.pickFiles(undefined);
    if (!picked.ok) setError(picked.error.message);
    else if (picked.value === null) fileInputRef.current?.click();
    else attachments.add(picked.value);
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    void send();
  }

  const label = parentId ? 'Reply in thread' : `Message ${channelLabel}`;
  const suggesting = mentions.candidates.length > 0;
  return (
    <form
      className="composer"
      onSubmit={onSubmit}
      onPaste={onPaste}
      onDragOver={(event) => event.preventDefault()}
      onDrop={onDrop}
      aria-label={parentId ? 'Reply' : 'Send a message'}
    >
      {files.length > 0 && (
        <ul className="composer-files" aria-label="Files to send">
          {files.map(({ id, name, size }) => (
            <li key={id} className="composer-file" data-testid="attachment-chip">
              <span className="composer-file-name">{name}</span>
              <span className="composer-file-size">{formatSize(size)}</span>
              <button type="button" aria-label={`Remove ${name}`} onClick={() => attachments.remove(id)}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {suggesting && (
        <MentionSuggestions
          id={listId}
          candidates={mentions.candidates}
          active={mentions.active}
          onPick={mentions.pick}
        />
      )}
      <textarea
        ref={inputRef}
        data-testid="message-input"
        id={parentId ? undefined : 'composer'}
        className="composer-input"
        value={text}
        placeholder={label}
        aria-label={label}
        aria-invalid={tooLong || error !== null}
        aria-describedby={`${showCounter ? counterId : ''} ${error ? errorId : ''}`.trim() || undefined}
        aria-autocomplete="list"
        aria-controls={suggesting ? listId : undefined}
        aria-activedescendant={suggesting ? optionId(listId, mentions.active) : undefined}
        rows={1}
        onChange={(event) => {
          edit(event.target.value);
          mentions.update(event.target);
        }}
        onSelect={(event) => mentions.update(event.currentTarget)}
        onKeyDown={onKeyDown}
        onBlur={() => {
          draft.flush();
          mentions.close();
        }}
      />
      <div className="composer-bar">
        <input
          ref={fileInputRef}
          type="file"
          multiple
          hidden
          data-testid="file-input"
          onChange={(event) => {
            if (event.target.files) attachments.add(event.target.files);
            event.target.value = '';
          }}
        />
        <button
          type="button"
          className="attach-button"
          aria-label="Attach files"
          onClick={() => void attach()}
        >
          Attach
        </button>
        {showCounter && (
          <span id={counterId} className={`char-counter${tooLong ? ' over' : ''}`}>
            {text.length.toLocaleString()}/{MAX_CONTENT_LENGTH.toLocaleString()}
          </span>
        )}
        {error && (
          <span id={errorId} className="composer-error" role="alert">
            {error}
          </span>
        )}
        <button type="submit" data-testid="send-button" className="send-button" disabled={problem !== null}>
          Send
        </button>
      </div>
    </form>
  );
}
