/**
 * The open channel's menu: members, rename, topic, leave, archive. A disclosure of plain buttons
 * (Tab moves through them, Esc closes); what needs words or a second thought opens a dialog.
 */
import { useEffect, useId, useRef, useState } from 'react';
import type { ChannelView } from '../../src-shared/bridge';
import { MAX_TOPIC_LENGTH } from '../../src-shared/protocol/limits';
import { Dialog, DialogActions, DialogError } from '../dialog/Dialog';
import { useAppStore } from '../store/context';
import { nameProblem } from './channel-name';
import { useResult } from './use-result';

type Open = 'rename' | 'topic' | 'leave' | 'archive' | null;

export function ChannelMenu({ channel }: { channel: ChannelView }) {
  const store = useAppStore();
  const menuId = useId();
  const [expanded, setExpanded] = useState(false);
  const [dialog, setDialog] = useState<Open>(null);
  const button = useRef<HTMLButtonElement>(null);
  const isChannel = channel.kind === 'channel';
  const changeable = isChannel && !channel.archived;

  useEffect(() => {
    if (!expanded) return;
    const close = (e: MouseEvent) => {
      if (!(e.target instanceof Node) || !button.current?.parentElement?.contains(e.target))
        setExpanded(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [expanded]);

  const choose = (what: Open | 'members') => {
    setExpanded(false);
    if (what === 'members') store.getState().setMembersOpen(!store.getState().membersOpen);
    else setDialog(what);
  };

  return (
    <div className="channel-menu">
      <button
        ref={button}
        type="button"
        className="secondary"
        aria-expanded={expanded}
        aria-controls={menuId}
        onClick={() => setExpanded((x) => !x)}
      >
        Channel menu
      </button>
      {expanded && (
        <ul
          id={menuId}
          className="menu"
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.stopPropagation();
              setExpanded(false);
              button.current?.focus();
            }
          }}
        >
          <MenuItem label="Members" onClick={() => choose('members')} />
          {changeable && <MenuItem label="Rename…" onClick={() => choose('rename')} />}
          {changeable && <MenuItem label="Set topic…" onClick={() => choose('topic')} />}
          {isChannel && <MenuItem label="Leave channel…" onClick={() => choose('leave')} />}
          {changeable && <MenuItem label="Archive channel…" danger onClick={() => choose('archive')} />}
        </ul>
      )}
      {(dialog === 'rename' || dialog === 'topic') && (
        <EditDialog
          channel={channel}
          field={dialog === 'rename' ? 'name' : 'topic'}
          onClose={() => setDialog(null)}
        />
      )}
      {(dialog === 'leave' || dialog === 'archive') && (
        <ConfirmDialog channel={channel} action={dialog} onClose={() => setDialog(null)} />
      )}
    </div>
  );
}

function MenuItem({ label, danger, onClick }: { label: string; danger?: boolean; onClick(): void }) {
  return (
    <li>
      <button type="button" className={`menu-item${danger ? ' danger' : ''}`} onClick={onClick}>
        {label}
      </button>
    </li>
  );
}

function EditDialog({
  channel,
  field,
  onClose,
}: {
  channel: ChannelView;
  field: 'name' | 'topic';
  onClose(): void;
}) {
  const store = useAppStore();
  const inputId = useId();
  const hintId = useId();
  const [value, setValue] = useState(field === 'name' ? channel.name : channel.topic);
  const { busy, error, run } = useResult();
  const problem = field === 'name' ? nameProblem(value) : null;

  async function save() {
    if (problem) return;
    const changes = field === 'name' ? { name: value } : { topic: value.trim() };
    if (await run(() => store.getState().updateChannel({ channelId: channel.id, ...changes }))) onClose();
  }

  return (
    <Dialog
      title={field === 'name' ? `Rename #${channel.name}` : `Topic of #${channel.name}`}
      testId={`channel-${field}`}
      onClose={onClose}
    >
      <form
        className="dialog-form"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <label htmlFor={inputId}>{field === 'name' ? 'New name' : 'Topic'}</label>
        <input
          id={inputId}
          data-autofocus
          value={value}
          maxLength={field === 'name' ? 120 : MAX_TOPIC_LENGTH}
          aria-invalid={problem !== null}
          aria-describedby={hintId}
          onChange={(e) => setValue(e.target.value)}
        />
        <p id={hintId} className={`field-hint${problem ? ' invalid' : ''}`} aria-live="polite">
          {problem ??
            (field === 'name'
              ? 'Lower-case letters, digits, - and _; up to 80 characters.'
              : 'Everyone in the channel sees it under its name.')}
        </p>
        <DialogError error={error} />
        <DialogActions label="Save" disabled={busy || problem !== null} onCancel={onClose} />
      </form>
    </Dialog>
  );
}

function ConfirmDialog({
  channel,
  action,
  onClose,
}: {
  channel: ChannelView;
  action: 'leave' | 'archive';
  onClose(): void;
}) {
  const store = useAppStore();
  const { busy, error, run } = useResult();
  const leave = action === 'leave';
  const text = leave
    ? channel.private
      ? 'It is private: to come back, someone in it has to add you again.'
      : 'You can join it again from the channel browser.'
    : 'Nobody can write in it any more; its messages stay readable.';

  async function confirm() {
    const state = store.getState();
    const ok = leave
      ? await run(() => state.leaveChannel(channel.id))
      : await run(() => state.archiveChannel(channel.id));
    if (ok) onClose();
  }

  return (
    <Dialog
      title={leave ? `Leave #${channel.name}?` : `Archive #${channel.name}?`}
      testId={`channel-${action}`}
      onClose={onClose}
    >
      <p>{text}</p>
      <DialogError error={error} />
      <DialogActions
        label={leave ? 'Leave' : 'Archive'}
        danger
        disabled={busy}
        onCancel={onClose}
        onConfirm={() => void confirm()}
      />
    </Dialog>
  );
}
