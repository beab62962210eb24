/**
 * The deployment files, checked with what this machine has: `systemd-analyze verify` on the unit,
 * `nginx -t` on the rendered nginx configuration, and a structural check of the Dockerfile and
 * docker-compose.yml (no Docker engine here, and hadolint is neither in Debian nor on npm).
 * deploy/two-instances.test.ts runs the nginx configuration for real.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkNginxConfig, nginxUnavailable } from './testing/nginx';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const read = (path: string) => readFile(here(path), 'utf8');

const noSystemdAnalyze =
  spawnSync('systemd-analyze', ['--version']).status === 0
    ? undefined
    : 'no systemd-analyze here (apt-get install systemd)';
if (noSystemdAnalyze) console.warn(`deploy.test.ts: the unit is not verified: ${noSystemdAnalyze}`);
const noNginx = nginxUnavailable();
if (noNginx) console.warn(`deploy.test.ts: the nginx configuration is not checked: ${noNginx}`);

/** systemd-analyze verify on the template as instance 3001; '' when it passes, else what it said. */
async function verifyUnit(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'relay-unit-'));
  try {
    const file = join(dir, 'relay@3001.service');
    await writeFile(file, text);
    const result = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
    return result.status === 0 && result.stderr.trim() === '' ? '' : `${result.stderr}${result.stdout}`;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The instructions of a Dockerfile, continuation lines joined, comments dropped. */
function instructions(dockerfile: string): { op: string; args: string }[] {
  return dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [op, ...rest] = line.split(/\s+/);
      return { op: op!.toUpperCase(), args: rest.join(' ') };
    });
}

describe('deploy/systemd/relay@.service', () => {
  it('restarts on failure, stops with SIGTERM and carries the hardening block', async () => {
    const unit = await read('./systemd/relay@.service');
    for (const line of [
      'Restart=on-failure',
      'KillSignal=SIGTERM',
      'NoNewPrivileges=yes',
      'ProtectSystem=strict',
      'ReadWritePaths=/var/lib/relay',
      'ExecStart=/usr/bin/node --import tsx src-server/cli.ts',
    ]) {
      expect(unit.split('\n')).toContain(line);
    }
  });

  it.skipIf(noSystemdAnalyze !== undefined)(
    'passes systemd-analyze verify (and a broken copy does not)',
    async () => {
      const unit = await read('./systemd/relay@.service');
      expect(await verifyUnit(unit)).toBe('');
      expect(await verifyUnit(unit.replace('KillSignal=SIGTERM', 'KillSignal=SIGNOPE'))).not.toBe('');
    },
  );
});

describe('deploy/nginx/relay.conf.template', () => {
  it.skipIf(noNginx !== undefined)('renders to a configuration nginx -t accepts', async () => {
    expect(await checkNginxConfig(['127.0.0.1:3001', '127.0.0.1:3002'])).toBe('');
  });

  it('upgrades WebSockets, routes /api and /socket.io, and has no sticky sessions', async () => {
    const conf = await read('./nginx/relay.conf.template');
    const directives = conf.replace(/#.*$/gm, '');
    expect(directives).toMatch(/location \/socket\.io\/ \{[^}]*proxy_pass http:\/\/relay;/);
    expect(directives).toMatch(/location \/api\/ \{[^}]*proxy_pass http:\/\/relay;/);
    expect(directives).toContain('proxy_http_version 1.1;');
    for (const header of ['Host $host', 'Upgrade $http_upgrade', 'Connection $relay_connection']) {
      expect(directives).toContain(`proxy_set_header ${header};`);
    }
    // nginx drops every inherited proxy_set_header in a location that sets one of its own: the
    // instances would then see the upstream's name as Host (refused on loopback) and no client address.
    for (const block of directives.match(/location [^{]*\{[^}]*\}/g) ?? []) {
      expect(block).not.toContain('proxy_set_header');
    }
    expect(directives).not.toMatch(/\b(ip_hash|hash|sticky)\b/);
  });
});

describe('deploy/Dockerfile (structural: no Docker engine here)', () => {
  it('is multi-stage, installs production dependencies with npm ci, runs as non-root, checks /readyz', async () => {
    const steps = instructions(await read('./Dockerfile'));
    const froms = steps.filter((s) => s.op === 'FROM');
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const from of froms) expect(from.args).toMatch(/^[\w./-]+:[\w.-]+( AS \w+)?$/); // a pinned tag
    expect(froms.some((f) => /:latest\b/.test(f.args))).toBe(false);
    const lastFrom = steps.lastIndexOf(froms.at(-1)!);
    const final = steps.slice(lastFrom);
    expect(steps.some((s) => s.op === 'RUN' && /\bnpm ci --omit=dev\b/.test(s.args))).toBe(true);
    expect(final.some((s) => s.op === 'COPY' && s.args.startsWith('--from='))).toBe(true);
    const users = final.filter((s) => s.op === 'USER');
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)!.args).not.toMatch(/^(root|0)(:|$)/);
    // USER comes before what runs: nothing after it switches back.
    expect(final.findIndex((s) => s.op === 'USER')).toBeLessThan(final.findIndex((s) => s.op === 'CMD'));
    const health = final.find((s) => s.op === 'HEALTHCHECK');
    expect(health?.args).toContain('/readyz');
    const cmd = final.find((s) => s.op === 'CMD')!;
    expect(() => JSON.parse(cmd.args)).not.toThrow(); // exec form: the server gets SIGTERM itself
    expect(steps.some((s) => s.op === 'ADD')).toBe(false);
  });

  it('runs with what the image keeps: tsx is a production dependency', async () => {
    const pkg = JSON.parse(await readFile(here('../package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(Object.keys(pkg.dependencies)).toContain('tsx');
  });
});

describe('deploy/docker-compose.yml (structural)', () => {
  it('has two instances behind nginx on PostgreSQL and Redis, each with a health check', async () => {
    const compose = await read('./docker-compose.yml');
    for (const service of ['relay1', 'relay2', 'nginx', 'postgres', 'redis']) {
      expect(compose).toMatch(new RegExp(`^  ${service}:$`, 'm'));
    }
    expect(compose).toContain('dockerfile: deploy/Dockerfile');
    expect(compose).toContain('./nginx/relay.conf.template:/etc/nginx/templates/relay.conf.template:ro');
    expect(compose).toMatch(/RELAY_UPSTREAM_1: relay1:3000/);
    expect(compose).toMatch(/RELAY_UPSTREAM_2: relay2:3000/);
    expect(compose.match(/healthcheck:/g)?.length).toBe(2); // postgres, redis; relay's is in the image
    expect(compose).not.toMatch(/\t/);
    expect(compose).not.toMatch(/JWT_SECRET=|PASSWORD=/); // secrets stay in relay.env
  });
});
