/**
 * Test helper: Debian's nginx as a non-daemon child with its own prefix and configuration in a temp
 * folder, serving deploy/nginx/relay.conf.template (filled in as README says) on a free loopback port.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../src-server/testing';

const NGINX = '/usr/sbin/nginx';
export const TEMPLATE = fileURLToPath(new URL('../nginx/relay.conf.template', import.meta.url));

export function nginxUnavailable(): string | undefined {
  return spawnSync(NGINX, ['-v']).status === 0 ? undefined : `no ${NGINX} (apt-get install nginx)`;
}

/** envsubst with the three variables named: nginx's own $variables stay as they are. */
export function renderTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\$\{(RELAY_UPSTREAM_1|RELAY_UPSTREAM_2|NGINX_PORT)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for ${name}`);
    return value;
  });
}

/** A whole nginx.conf around the rendered include, everything inside `dir`. */
async function writeConfig(dir: string, upstreams: [string, string], port: number): Promise<string> {
  const include = renderTemplate(await readFile(TEMPLATE, 'utf8'), {
    RELAY_UPSTREAM_1: upstreams[0],
    RELAY_UPSTREAM_2: upstreams[1],
    NGINX_PORT: `127.0.0.1:${port}`,
  });
  await writeFile(join(dir, 'relay.conf'), include);
  await mkdir(join(dir, 'logs'), { recursive: true });
  const conf = join(dir, 'nginx.conf');
  const temp = (name: string) => `${name} ${join(dir, name)};`;
  await writeFile(
    conf,
    [
      'daemon off;',
      'worker_processes 1;',
      `pid ${join(dir, 'nginx.pid')};`,
      `error_log ${join(dir, 'logs', 'error.log')} warn;`,
      // As root nginx would switch its workers to "nobody"; keep them as whoever runs the test.
      ...(process.getuid?.() === 0 ? ['user root;'] : []),
      'events { worker_connections 1024; }',
      'http {',
      `  access_log ${join(dir, 'logs', 'access.log')};`,
      ...[
        'client_body_temp_path',
        'proxy_temp_path',
        'fastcgi_temp_path',
        'uwsgi_temp_path',
        'scgi_temp_path',
      ].map((name) => `  ${temp(name)}`),
      `  include ${join(dir, 'relay.conf')};`,
      '}',
      '',
    ].join('\n'),
  );
  return conf;
}

/** `nginx -t` on the configuration: '' when it is valid, else what nginx said. */
export async function checkNginxConfig(upstreams: [string, string]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'relay-nginx-'));
  try {
    const conf = await writeConfig(dir, upstreams, await freePort());
    const result = spawnSync(NGINX, ['-t', '-p', dir, '-c', conf], { encoding: 'utf8' });
    return result.status === 0 ? '' : result.stderr;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface NginxProcess {
  url: string;
  child: ChildProcess;
  /** What nginx logged as errors (for a failing test's message). */
  errors(): Promise<string>;
  stop(): Promise<void>;
}

export async function startNginx(upstreams: [string, string]): Promise<NginxProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'relay-nginx-'));
  const port = await freePort();
  const conf = await writeConfig(dir, upstreams, port);
  const child = spawn(NGINX, ['-p', dir, '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  // Listening once it answers its own 404 for an unrouted path.
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${stderr}`);
    const answered = await fetch(`${url}/nothing-here`).then(
      (r) => r.status === 404,
      () => false,
    );
    if (answered) break;
    if (Date.now() > deadline) throw new Error(`nginx did not answer: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    child,
    errors: () => readFile(join(dir, 'logs', 'error.log'), 'utf8').catch(() => ''),
    async stop() {
      // SIGQUIT: graceful for nginx, but the WebSockets it holds would keep it waiting; SIGTERM is fast.
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
