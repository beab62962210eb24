import type { Settings } from '../../src-shared/bridge';
import { useApp, useAppStore } from '../store/context';

const THEMES: { value: Settings['theme']; label: string }[] = [
  { value: 'system', label: 'Match the system' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

/** The few preferences a chat needs: theme, notifications, do-not-disturb. Kept by the core. */
export function SettingsPanel() {
  const store = useAppStore();
  const settings = useApp((s) => s.settings);
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
          {THEMES.map((theme) => (
            <option key={theme.value} value={theme.value}>
              {theme.label}
            </option>
          ))}
        </select>
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={settings.notificationsEnabled}
          onChange={(e) => update({ notificationsEnabled: e.target.checked })}
        />
        Notifications
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={settings.doNotDisturb}
          onChange={(e) => update({ doNotDisturb: e.target.checked })}
        />
        Do not disturb
      </label>
    </section>
  );
}
