import { type KeyboardEvent, Suspense, useRef, useState } from 'react';
import { lazyComponent } from '../app/lazy';
import { LineIcon } from './LineIcon';

/** The picker and its emoji table load when someone first reacts, not at start-up. */
const EmojiPicker = lazyComponent(() => import('./EmojiPicker').then((m) => m.EmojiPicker));

type Action = 'react' | 'reply' | 'edit' | 'delete';

type Props = {
  authorName: string;
  onReact: (emoji: string) => void;
  /** Absent inside a thread (replies have no replies). */
  onReply?: () => void;
  /** Own messages only. */
  onEdit?: () => void;
  onDelete?: () => void;
  /**
   * The row's tab index for its buttons (-1 when another row is the list's tab stop). The toolbar
   * is one tab stop of its own: Left/Right (Home/End) move between its buttons.
   */
  tabIndex?: number;
};

const LABELS: Record<Action, (author: string) => string> = {
  react: () => 'Add reaction',
  reply: (author) => `Reply to ${author} in a thread`,
  edit: () => 'Edit message',
  delete: () => 'Delete message',
};

const TEST_IDS: Record<Action, string> = {
  react: 'reaction-add',
  reply: 'reply-button',
  edit: 'message-edit',
  delete: 'message-delete',
};

/**
 * What one can do with a message, shown on hover or focus in the row's right gutter: react, reply,
 * and for one's own, edit and delete. Icons with names (`aria-label`, and a `title` for the mouse).
 */
export function MessageToolbar({ authorName, onReact, onReply, onEdit, onDelete, tabIndex }: Props) {
  const actions: Action[] = ['react'];
  if (onReply) actions.push('reply');
  if (onEdit) actions.push('edit');
  if (onDelete) actions.push('delete');
  // Until one is chosen, Reply is the stop, as before the toolbar (Tab from a row lands on it); a
  // message still sending has no reply yet, so this follows it once it has.
  const [current, setCurrent] = useState<Action | null>(null);
  const [picking, setPicking] = useState(false);
  const buttons = useRef<Partial<Record<Action, HTMLButtonElement | null>>>({});
  const stop = current && actions.includes(current) ? current : onReply ? 'reply' : 'react';

  const run: Record<Action, () => void> = {
    react: () => setPicking((open) => !open),
    reply: () => onReply?.(),
    edit: () => onEdit?.(),
    delete: () => onDelete?.(),
  };

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const at = actions.indexOf(stop);
    const next =
      event.key === 'ArrowRight'
        ? (at + 1) % actions.length
        : event.key === 'ArrowLeft'
          ? (at - 1 + actions.length) % actions.length
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? actions.length - 1
              : -1;
    const action = actions[next];
    if (!action) return;
    event.preventDefault();
    event.stopPropagation();
    setCurrent(action);
    buttons.current[action]?.focus();
  }

  return (
    <>
      <div
        role="toolbar"
        aria-label="Message actions"
        className={`message-toolbar${picking ? ' open' : ''}`}
        onKeyDown={onKeyDown}
      >
        {actions.map((action) => (
          <button
            key={action}
            ref={(el) => {
              buttons.current[action] = el;
            }}
            type="button"
            data-testid={TEST_IDS[action]}
            className={`toolbar-button ${action}`}
            aria-label={LABELS[action](authorName)}
            aria-haspopup={action === 'react' ? 'dialog' : action === 'delete' ? 'dialog' : undefined}
            aria-expanded={action === 'react' ? picking : undefined}
            title={LABELS[action](authorName)}
            tabIndex={action === stop ? tabIndex : -1}
            onFocus={() => setCurrent(action)}
            onClick={run[action]}
          >
            <LineIcon path={ICON_PATHS[action]} strokeWidth={1.5} />
          </button>
        ))}
      </div>
      {picking && (
        <Suspense fallback={null}>
          <EmojiPicker
            anchor={buttons.current.react ?? null}
            onPick={onReact}
            onClose={() => setPicking(false)}
          />
        </Suspense>
      )}
    </>
  );
}

/** Smiley (react), curved arrow (reply), pencil (edit), bin (delete): 16 px line icons. */
const ICON_PATHS: Record<Action, string> = {
  react: 'M8 2a6 6 0 1 0 0 12a6 6 0 1 0 0-12M5.5 9.5c.7 1 1.5 1.5 2.5 1.5s1.8-.5 2.5-1.5M6 6.2v.1M10 6.2v.1',
  reply: 'M6.5 4L3 7.5 6.5 11M3.5 7.5H9a4 4 0 0 1 4 4V13',
  edit: 'M10.5 2.5l3 3-8 8H2.5v-3zM9 4l3 3',
  delete: 'M2.5 4.5h11M6 4.5V3h4v1.5M4 4.5l.7 9h6.6l.7-9M6.7 7v4.5M9.3 7v4.5',
};
