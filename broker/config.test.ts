import { describe, expect, it } from 'vitest';
import { DEFAULTS, envName, helpText, parseCommandLine, resolveConfig } from './config.ts';

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
    [['--unknown']],
    [['positional']],
  ])('refuses %j', (args) => {
    expect(parseCommandLine(args, {})).toMatchObject({ ok: false });
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
  });

  it('refuses a certificate without a key', () => {
    expect(() => resolveConfig({ tlsCert: 'cert.pem' })).toThrow(/go together/);
  });
});
