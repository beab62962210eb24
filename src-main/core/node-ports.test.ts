import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createFileSecretStore, createFileSettingsStore } from './node-ports';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'relay-ports-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('writes the session and the settings readable by their owner alone, in a 0700 folder', async () => {
  const userData = join(dir, 'user-data');
  await createFileSecretStore(userData).set('{"token":"t"}');
  createFileSettingsStore(userData).set({ doNotDisturb: true });
  expect(statSync(userData).mode & 0o777).toBe(0o700);
  expect(statSync(join(userData, 'session.json')).mode & 0o777).toBe(0o600);
  expect(statSync(join(userData, 'settings.json')).mode & 0o777).toBe(0o600);
});
