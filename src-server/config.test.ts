import { describe, expect, it } from 'vitest';
import { parseConfig, usage } from './config';

describe('parseConfig', () => {
  it('reads the environment, and a flag wins over it', () => {
    const { options } = parseConfig(['--port', '4000', '--data-dir=/tmp/x', '--demo'], {
      PORT: '3001',
      HOST: '0.0.0.0',
      DATA_DIR: '/var/relay',
      MESSAGE_RATE_LIMIT: '0',
      CORS_ORIGINS: 'http://a.example, http://b.example',
    });
    expect(options).toMatchObject({
      port: 4000,
      host: '0.0.0.0',
      dataDir: '/tmp/x',
      demo: true,
      messageRateLimit: 0,
      corsOrigins: ['http://a.example', 'http://b.example'],
    });
  });

  it('takes SQLITE_SYNCHRONOUS as full or normal only', () => {
    expect(parseConfig(['--sqlite-synchronous', 'normal'], {}).options.sqliteSynchronous).toBe('normal');
    expect(parseConfig([], { SQLITE_SYNCHRONOUS: 'full' }).options.sqliteSynchronous).toBe('full');
    expect(() => parseConfig([], { SQLITE_SYNCHRONOUS: 'off' })).toThrow(
      'SQLITE_SYNCHRONOUS must be one of full, normal, got "off"',
    );
  });

  it('takes the operations settings: metrics, its token, the admin UI, compression', () => {
    const { options } = parseConfig(['--admin-ui-readonly=0'], {
      METRICS: '1',
      METRICS_TOKEN: 't0ken',
      ADMIN_UI_USER: 'ops',
      ADMIN_UI_PASSWORD: 'a long password',
      PER_MESSAGE_DEFLATE: 'on',
    });
    expect(options).toMatchObject({
      metrics: true,
      metricsToken: 't0ken',
      adminUiUser: 'ops',
      adminUiPassword: 'a long password',
      adminUiReadonly: false,
      perMessageDeflate: true,
    });
  });

  it('defaults DATA_DIR to ./data and leaves the rest to startServer', () => {
    expect(parseConfig([], {}).options).toEqual({ dataDir: './data' });
  });

  it('takes every setting as a flag too', () => {
    const { options } = parseConfig(
      [
        '--jwt-secret',
        's',
        '--redis-url',
        'redis://r',
        '--typing-timeout-ms',
        '100',
        '--token-ttl-seconds',
        '60',
        '--log-level',
        'warn',
        '--demo=false',
      ],
      { DEMO: 'true' },
    );
    expect(options).toMatchObject({
      jwtSecret: 's',
      redisUrl: 'redis://r',
      typingTimeoutMs: 100,
      tokenTtlSeconds: 60,
      logLevel: 'warn',
      demo: false,
    });
  });

  it.each([
    [['--port'], /needs a value/],
    [['--port', '-1'], /whole number/],
    [['--wat'], /Unknown option/],
    [['--demo=maybe'], /true or false/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseConfig(argv, {})).toThrow(message);
  });

  it('documents every flag with its environment variable', () => {
    const text = usage();
    for (const name of ['--port', 'PORT', '--data-dir', 'DATA_DIR', '--message-rate-limit', '--demo']) {
      expect(text).toContain(name);
    }
  });
});
