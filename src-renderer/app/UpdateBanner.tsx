import { useApp, useRelay } from '../store/context';

/**
 * Desktop: an update is downloaded. The user restarts when it suits them ("Later" hides it until the
 * next one); nothing restarts on its own, and a quit installs it anyway.
 */
export function UpdateBanner() {
  const relay = useRelay();
  const version = useApp((s) => s.updateReady);
  const onUpdateReady = useApp((s) => s.onUpdateReady);
  if (!version) return null;
  return (
    <div className="update-banner" role="status" data-testid="update-banner">
      <span>Relay {version} is ready.</span>
      <button type="button" onClick={() => void relay.restartToUpdate(undefined)}>
        Restart to update
      </button>
      <button type="button" onClick={() => onUpdateReady(null)}>
        Later
      </button>
    </div>
  );
}
