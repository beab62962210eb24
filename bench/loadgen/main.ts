/** The load generator process: holds the client sockets and runs scenarios on the runner's command. */
import { emitEvent, serve } from '../lib/serve';
import { editLatency } from './change-latency';
import { fanout } from './fanout';
import { idleLatency, loadLatency } from './latency';
import { awaitReconnect, closeAll, connectedCount, connectMany } from './pool';

serve({
  connect: connectMany,
  closeAll,
  connected: () => connectedCount,
  awaitReconnect: ({ expected, timeoutMs }: { expected: number; timeoutMs: number }) =>
    awaitReconnect(expected, timeoutMs),
  idle: idleLatency,
  edit: editLatency,
  load: loadLatency,
  fanout,
});

emitEvent({ event: 'ready' });
