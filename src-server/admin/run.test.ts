/** The admin entry point: usage, unknown commands and the global settings, without touching a store. */
import { describe, expect, it } from 'vitest';
import { AdminError } from './command';
import { adminUsage, parseAdminArgs, runAdmin } from './run';

function io(env: NodeJS.ProcessEnv = {}) {
  const lines: string[] = [];
  return { lines, env, stdin: process.stdin, print: (line: string) => lines.push(line) };
}

describe('npm run admin', () => {
  it('prints the usage for no command, help or --help', async () => {
    for (const argv of [[], ['help'], ['--help']]) {
      const out = io();
      await runAdmin(argv, out);
      expect(out.lines.join('\n')).toBe(adminUsage());
    }
    expect(adminUsage()).toContain('--data-dir');
  });

  it('refuses an unknown command with a one-line reason', async () => {
    await expect(runAdmin(['frobnicate'], io())).rejects.toThrow(AdminError);
    await expect(runAdmin(['constructor'], io())).rejects.toThrow(/Unknown command "constructor"/);
  });

  it('takes DATA_DIR / DATABASE_URL from the environment, and the flags win wherever they stand', () => {
    const env = { DATA_DIR: '/env/data', DATABASE_URL: 'postgres://env' };
    expect(parseAdminArgs(['user', 'list'], env)).toEqual({
      settings: { dataDir: '/env/data', databaseUrl: 'postgres://env' },
      rest: ['user', 'list'],
    });
    expect(
      parseAdminArgs(['user', '--data-dir', '/flag', 'list', '--database-url=postgres://flag'], {}),
    ).toEqual({
      settings: { dataDir: '/flag', databaseUrl: 'postgres://flag' },
      rest: ['user', 'list'],
    });
    expect(parseAdminArgs([], {}).settings).toEqual({ dataDir: './data' });
    expect(() => parseAdminArgs(['--data-dir'], {})).toThrow(/needs a value/);
  });
});
