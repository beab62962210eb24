import type { Settings } from '../../src-shared/bridge';
import { useApp, useAppStore } from '../store/context';
import { type Choice, ChoiceOptions } from './ChoiceOptions';

const THEMES: Choice<Settings['theme']>[] = [
  { value: 'system', label: 'Match the system' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

/** The few preferences a chat needs: theme, notifications, do-not-disturb. Kept by the core. */
export function SettingsPanel() {
  const store = useAppStore();
  const settings = useApp((s) => s.settings);
  const desktop = useApp((s) => s.host !== 'browser');
  if (!settings) return null;
  const update = (patch: Partial<Settings>) => void store.getState().updateSettings(patch);
  return (
    <section className="settings-panel" aria-label="Settings">
      <label>
        Theme
        <select
          value={settings.theme}
          onChange={(e) => update({ theme: e.target.value as Settings['theme'] })}
        >
          <ChoiceOptions choices={THEMES} />
        </select>
      </label>
      <CheckSetting settings={settings} update={update} name="notificationsEnabled" label="Notifications" />
      <CheckSetting settings={settings} update={update} name="doNotDisturb" label="Do not disturb" />
      {desktop && <DesktopSettings settings={settings} update={update} />}
    </section>
  );
}

/** What only the desktop app does: start with the session, start in the tray, update itself. */
function DesktopSettings({
  settings,
  update,
}: {
  settings: Settings;
  update: (patch: Partial<Settings>) => void;
}) {
  return (
    <>
      <CheckSetting settings={settings} update={update} name="openAtLogin" label="Start when I log in" />
      <CheckSetting
        settings={settings}
        update={update}
        name="startMinimized"
        label="Start minimised to the tray"
      />
      <label>
        Update server
        <input
          type="url"
          placeholder="https://updates.example.com/relay"
          defaultValue={settings.updateUrl}
          // Saved when the field is left: a half-typed URL is not worth an error.
          onBlur={(e) => {
            const value = e.target.value.trim();
            if (value !== settings.updateUrl && (value === '' || e.target.validity.valid))
              update({ updateUrl: value });
          }}
        />
      </label>
    </>
  );
}

type BooleanSetting = 'notificationsEnabled' | 'doNotDisturb' | 'openAtLogin' | 'startMinimized';

function CheckSetting(props: {
  settings: Settings;
  update: (patch: Partial<Settings>) => void;
  name: BooleanSetting;
  label: string;
}) {
  return (
    <label className="check">
      <input
        type="checkbox"
        checked={props.settings[props.name]}
        onChange={(e) => props.update({ [props.name]: e.target.checked })}
      />
      {props.label}
    </label>
  );
}
