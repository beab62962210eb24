import type { ConnectionState } from '../../src-shared/bridge';
import { useApp } from '../store/context';

/** The words QA and users read (interface.md: connection-status). */
export const CONNECTION_TEXT: Record<ConnectionState, string> = {
  connected: 'Connected',
  connecting: 'Connecting',
  offline: 'Offline',
  unauthorized: 'Unauthorized',
};

export function ConnectionStatus() {
  const connection = useApp((s) => s.connection);
  return (
    <span
      data-testid="connection-status"
      className={`connection-status connection-${connection.state}`}
      role="status"
      title={connection.detail}
    >
      {CONNECTION_TEXT[connection.state]}
    </span>
  );
}
