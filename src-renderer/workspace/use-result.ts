import { useState } from 'react';
import type { Result } from '../../src-shared/bridge';
import { describeError, type ErrorText } from '../store/errors';

/**
 * A dialog's call in flight: `busy` while it runs, its failure in words (the server's own reason
 * where it gave one: "The name #ops is taken"), and `run`, which answers `{value}` on success.
 */
export function useResult() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorText | null>(null);
  async function run<T>(call: () => Promise<Result<T>>): Promise<{ value: T } | undefined> {
    setBusy(true);
    setError(null);
    try {
      const result = await call();
      if (result.ok) return { value: result.value };
      const text = describeError(result.error.code, result.error.message);
      // The server says exactly what was wrong (a name taken, not allowed): keep its words.
      setError(result.error.message ? { ...text, detail: result.error.message } : text);
      return undefined;
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, setError, run };
}
