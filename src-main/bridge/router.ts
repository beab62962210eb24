/**
 * The one place where the bridge contract meets the core: every call from the renderer, whichever
 * transport carried it (Electron IPC or the browser host's WebSocket), is dispatched here.
 *
 * Nothing reaches a handler unparsed: an unknown call or an input that fails its zod schema gets a
 * clear `{ok: false}` result and the core is never touched. A handler's `BridgeFailure` keeps its code;
 * anything else becomes INTERNAL with a generic message, so no stack trace, path or SQL reaches the page.
 */
import type { z } from 'zod';
import {
  BridgeErrorCode,
  BridgeFailure,
  type CallHandlers,
  type CallName,
  calls,
  type Result,
} from '../../src-shared/bridge';

export type Router = {
  /** Never throws and never rejects: every outcome is a `Result`. */
  dispatch(name: unknown, input: unknown): Promise<Result<unknown>>;
};

export type RouterLog = (message: string, details: Record<string, unknown>) => void;

const INTERNAL_MESSAGE = 'Something went wrong inside the app. Please try again.';

export function createRouter(handlers: CallHandlers, log: RouterLog = defaultLog): Router {
  return {
    async dispatch(name, input) {
      if (!isCallName(name)) {
        return failure('UNKNOWN_CALL', `Unknown call: ${describeName(name)}`);
      }
      const spec = calls[name];
      const parsed = spec.input.safeParse(input);
      if (!parsed.success) {
        return failure('BAD_REQUEST', `Invalid input for ${name}: ${describeIssues(parsed.error)}`);
      }
      let value: unknown;
      try {
        const handler = handlers[name] as (args: unknown) => unknown;
        value = await handler(parsed.data);
      } catch (error) {
        return fromThrown(name, error, log);
      }
      // The output is checked too: the renderer relies on the contract, so a core bug surfaces here,
      // named, rather than as a confusing UI state.
      const output = spec.output.safeParse(value);
      if (!output.success) {
        log('bridge: handler returned a value outside the contract', {
          call: name,
          issues: issuePaths(output.error),
        });
        return failure('INTERNAL', INTERNAL_MESSAGE);
      }
      return { ok: true, value: output.data };
    },
  };
}

export function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && Object.hasOwn(calls, name);
}

function fromThrown(name: CallName, error: unknown, log: RouterLog): Result<never> {
  if (error instanceof BridgeFailure && BridgeErrorCode.safeParse(error.code).success) {
    return failure(error.code, error.message);
  }
  // Only the error's class and the call go to the log: messages may quote user content.
  log('bridge: handler failed', {
    call: name,
    error: error instanceof Error ? error.name : typeof error,
    stack: error instanceof Error ? error.stack?.split('\n').slice(1, 4).join(' | ') : undefined,
  });
  return failure('INTERNAL', INTERNAL_MESSAGE);
}

function failure(code: BridgeErrorCode, message: string): Result<never> {
  return { ok: false, error: { code, message } };
}

function describeName(name: unknown): string {
  if (typeof name !== 'string') return `(${typeof name})`;
  return JSON.stringify(name.length > 64 ? `${name.slice(0, 64)}…` : name);
}

/** "serverUrl: Invalid URL; password: Too small…" — zod messages name types and limits, never values. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : 'input'}: ${issue.message}`)
    .join('; ');
}

function issuePaths(error: z.ZodError): string[] {
  return error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.code}`);
}

function defaultLog(message: string, details: Record<string, unknown>): void {
  console.error(message, details);
}
