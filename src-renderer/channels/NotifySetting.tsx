import { useId } from 'react';
import type { ChannelView } from '../../src-shared/bridge';
import type { NotifyLevel } from '../../src-shared/protocol/changes';
import { type Choice, ChoiceOptions } from '../app/ChoiceOptions';
import { useAppStore } from '../store/context';

type Level = NotifyLevel | 'mute';

const CHOICES: Choice<Level>[] = [
  { value: 'all', label: 'All messages' },
  { value: 'mentions', label: 'Mentions only' },
  { value: 'none', label: 'Nothing' },
  { value: 'mute', label: 'Mute channel' },
];

/**
 * Which messages of this channel notify (issue 14), per person and shared by their devices: all,
 * only those mentioning them, none; or the channel muted (its unread count leaves the total, and
 * only a mention still notifies). A native select: keyboard and screen readers know it already.
 */
export function NotifySetting({ channel }: { channel: ChannelView }) {
  const store = useAppStore();
  const id = useId();
  const value: Level = channel.muted ? 'mute' : channel.notify;
  function choose(choice: Level) {
    const patch = choice === 'mute' ? { muted: true } : { notify: choice, muted: false };
    void store.getState().setChannelPreferences(channel.id, patch);
  }
  return (
    <span className="notify-setting">
      <label htmlFor={id} className="notify-label">
        Notify
      </label>
      <select
        id={id}
        data-testid="channel-notify"
        className="notify-select"
        value={value}
        onChange={(event) => choose(event.target.value as Level)}
      >
        <ChoiceOptions choices={CHOICES} />
      </select>
    </span>
  );
}
