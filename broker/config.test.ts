import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULTS, envName, helpText, markdownOptionTable, parseCommandLine, resolveConfig } from './config.ts';

describe('parseCommandLine', () => {
  it('reads flags, with flags winning over environment variables', () => {
    const parsed = parseCommandLine(['--port', '9000', '--allowed-origins', 'https://a.example, https://b.example'], {
      BROKER_PORT: '7000',
      BROKER_LOGON_TIMEOUT_MS: '200',
      BROKER_SLOW_RECEIVER: 'terminate',
    });
    expect(parsed).toEqual({
      ok: true,
      help: false,
      config: { port: 9000, allowedOrigins: ['https://a.example', 'https://b.example'], logonTimeoutMs: 200, slowReceiver: 'terminate' },
    });
  });

  it.each([
    [['--port', '70000']],
    [['--port', '-1']],
    [['--max-frame-bytes', '0']],
    [['--rate-limit', '1.5']],
    [['--log-level', 'silent']],
    [['--slow-receiver', 'maybe']],
    [['--public-hosts', 'hearth.example/ws']],
    [['--public-hosts', 'user@hearth.example']],
    [['--public-hosts', ',']],
    [['--trusted-proxies', 'proxy.example']],
    [['--trusted-proxies', '10.0.0.0/8']],
    [['--redis', 'http://127.0.0.1:6379']],
    [['--redis', 'redis://']],
    [['--redis', '127.0.0.1:6379']],
    [['--unknown']],
    [['positional']],
  ])('refuses %j', (args) => {
    expect(parseCommandLine(args, {})).toMatchObject({ ok: false });
  });

  it('reads the caps on connections, logons, messages and inbound frames', () => {
    const parsed = parseCommandLine(
      ['--max-connections', '500', '--max-connections-per-ip', '4', '--logon-limit-per-ip', '9', '--trusted-proxies', '10.0.0.2'],
      { BROKER_MAX_MESSAGE_BYTES: '40000', BROKER_MESSAGE_TIMEOUT_MS: '2500', BROKER_INBOUND_LIMIT: '3', BROKER_INBOUND_BURST: '6' },
    );
    expect(parsed).toEqual({
      ok: true,
      help: false,
      config: {
        maxConnections: 500,
        maxConnectionsPerAddress: 4,
        logonAttemptsPerAddress: 9,
        trustedProxies: ['10.0.0.2'],
        maxMessageBytes: 40_000,
        messageTimeoutMs: 2500,
        inboundPerSecond: 3,
        inboundBurst: 6,
      },
    });
  });

  it('writes public hosts as a URL writes them, and trusted proxies as sockets report them', () => {
    const parsed = parseCommandLine(['--public-hosts', 'Hearth.Example:443, [0:0:0:0:0:0:0:1]:8080'], {
      BROKER_TRUSTED_PROXIES: '::ffff:127.0.0.1, 0:0:0:0:0:0:0:1',
      BROKER_MAX_CONNECTIONS_PER_56: '50',
      BROKER_MAX_CONNECTIONS_PER_48: '100',
      BROKER_REQUEST_TIMEOUT_MS: '3000',
    });
    expect(parsed).toEqual({
      ok: true,
      help: false,
      config: {
        publicHosts: ['hearth.example', '[::1]:8080'],
        trustedProxies: ['127.0.0.1', '0:0:0:0:0:0:0:1'],
        maxConnectionsPer56: 50,
        maxConnectionsPer48: 100,
        requestTimeoutMs: 3000,
      },
    });
  });

  it('reads --redis or BROKER_REDIS_URL, a redis:// or rediss:// URL; without either the broker is a single process', () => {
    expect(parseCommandLine(['--redis', 'redis://10.0.0.5:6379/0'], {})).toMatchObject({ ok: true, config: { redis: 'redis://10.0.0.5:6379/0' } });
    expect(parseCommandLine([], { BROKER_REDIS_URL: 'rediss://:secret@redis.example:6380' })).toMatchObject({
      ok: true,
      config: { redis: 'rediss://:secret@redis.example:6380' },
    });
    expect(resolveConfig({ staticDir: null }).redis).toBeNull();
  });

  it('an empty --static serves no files', () => {
    expect(parseCommandLine(['--static', ''], {})).toMatchObject({ ok: true, config: { staticDir: null } });
  });

  it('answers --help', () => {
    expect(parseCommandLine(['--help'], {})).toEqual({ ok: true, help: true });
    expect(helpText()).toContain(envName('max-buffered-bytes'));
  });
});

describe('resolveConfig', () => {
  it('fills defaults matching the contract', () => {
    const config = resolveConfig({ staticDir: null });
    expect(config).toMatchObject({ maxFrameBytes: 16384, logonTimeoutMs: 10_000, pingIntervalMs: 30_000, logonLimitPerMinute: 15 });
    expect(DEFAULTS.rateLimitPerSecond).toBe(20);
    expect(DEFAULTS.rateLimitBurst).toBe(40);
    expect(config).toMatchObject({
      maxMessageBytes: 32_768,
      messageTimeoutMs: 10_000,
      inboundPerSecond: 5,
      inboundBurst: 10,
      logonAttemptsPerAddress: 60,
      maxConnections: 10_000,
      maxConnectionsPerAddress: 32,
      maxConnectionsPer56: 128,
      maxConnectionsPer48: 512,
      trustedProxies: [],
      publicHosts: null,
      requestTimeoutMs: 5_000,
    });
  });

  it('caps an IPv6 /56 at 4 and a /48 at 16 times the per-address cap unless told otherwise', () => {
    expect(resolveConfig({ staticDir: null, maxConnectionsPerAddress: 10 })).toMatchObject({ maxConnectionsPer56: 40, maxConnectionsPer48: 160 });
    expect(resolveConfig({ staticDir: null, maxConnectionsPerAddress: 10, maxConnectionsPer48: 20 })).toMatchObject({
      maxConnectionsPer56: 40,
      maxConnectionsPer48: 20,
    });
  });

  it('makes room for twice the frame size in a message unless told otherwise, and never less than one frame', () => {
    expect(resolveConfig({ staticDir: null, maxFrameBytes: 1000 }).maxMessageBytes).toBe(2000);
    expect(resolveConfig({ staticDir: null, maxFrameBytes: 1000, maxMessageBytes: 1000 }).maxMessageBytes).toBe(1000);
    expect(() => resolveConfig({ staticDir: null, maxFrameBytes: 1000, maxMessageBytes: 999 })).toThrow(/at least --max-frame-bytes/);
  });

  it('refuses a certificate without a key', () => {
    expect(() => resolveConfig({ tlsCert: 'cert.pem' })).toThrow(/go together/);
  });
});

describe('the README', () => {
  it('lists exactly the options --help lists, with the same defaults', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(`${markdownOptionTable()}\n`);
    for (const line of helpText().split('\n').filter((text) => text.trimStart().startsWith('--') && !text.includes('--help'))) {
      const flag = line.trim().split(/\s+/, 1)[0]!;
      expect(markdownOptionTable()).toContain(`| \`${flag}\` |`);
    }
  });
});
