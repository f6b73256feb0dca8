/** The HTTP side of the one port: /healthz, the app's files, Origin checks, TLS, shutdown and port reuse. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { once } from 'node:events';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { CONTENT_SECURITY_POLICY, INSTALL_PAGE_CONTENT_SECURITY_POLICY } from '../http-headers.ts';
import { startBroker, type RunningBroker } from '../server.ts';
import { TestClient } from './client.ts';
import { expectRoutes } from './helpers.ts';

const base = { host: '127.0.0.1', logLevel: 'silent', pingIntervalMs: 50 } as const;

/** Sends the path exactly as written; fetch would normalise `..` away before the broker saw it. */
function rawGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port, path, method: 'GET' }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.end();
  });
}

/** Resolves with the HTTP status of a refused upgrade, or 101 when the WebSocket opened. */
function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    socket.once('error', reject);
  });
}

describe('healthz and the built app', () => {
  let broker: RunningBroker;
  let root: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'broker-static-'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>app</title>');
    writeFileSync(join(root, 'sw.js'), 'self.x=1');
    writeFileSync(join(root, 'registerSW.js'), 'x');
    writeFileSync(join(root, 'manifest.webmanifest'), '{}');
    writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(join(root, 'assets', 'index-abc123.css'), 'body{}');
    writeFileSync(join(root, 'icon.svg'), '<svg/>');
    writeFileSync(join(root, 'font.woff2'), 'w');
    writeFileSync(join(root, '.env'), 'SECRET=1');
    writeFileSync(join(tmpdir(), 'broker-outside.txt'), 'outside');
    broker = await startBroker({ ...base, port: 0, staticDir: root });
  });

  afterAll(() => broker.close());

  it('GET /healthz counts connections and logged-on IDs', async () => {
    const before = await fetch(`${broker.url}/healthz`);
    expect(before.status).toBe(200);
    expect(before.headers.get('content-type')).toBe('application/json');
    expect(await before.json()).toEqual({ status: 'ok', connections: 0, logged_on: 0 });
    const loggedOn = await TestClient.logOn(broker.wsUrl);
    const waiting = await TestClient.open(broker.wsUrl);
    expect(await (await fetch(`${broker.url}/healthz`)).json()).toEqual({ status: 'ok', connections: 2, logged_on: 1 });
    await Promise.all([loggedOn.close(), waiting.close()]);
  });

  it.each([
    ['/', 'text/html; charset=utf-8', 'no-cache'],
    ['/index.html', 'text/html; charset=utf-8', 'no-cache'],
    ['/sw.js', 'text/javascript; charset=utf-8', 'no-cache'],
    ['/registerSW.js', 'text/javascript; charset=utf-8', 'no-cache'],
    ['/manifest.webmanifest', 'application/manifest+json', 'no-cache'],
    ['/assets/index-abc123.js', 'text/javascript; charset=utf-8', 'public, max-age=31536000, immutable'],
    ['/assets/index-abc123.css', 'text/css; charset=utf-8', 'public, max-age=31536000, immutable'],
    ['/icon.svg', 'image/svg+xml', 'no-cache'],
    ['/font.woff2', 'font/woff2', 'no-cache'],
  ])('serves %s as %s with Cache-Control %s', async (path, type, cache) => {
    const response = await fetch(`${broker.url}${path}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(type);
    expect(response.headers.get('cache-control')).toBe(cache);
    await response.arrayBuffer();
  });

  it('falls back to index.html for client routes without an extension', async () => {
    const response = await fetch(`${broker.url}/settings/room?x=1`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(await response.text()).toContain('<title>app</title>');
  });

  it('answers 404 for a missing file with an extension', async () => {
    expect((await fetch(`${broker.url}/assets/missing-1.js`)).status).toBe(404);
  });

  it.each(['/../broker-outside.txt', '/..%2fbroker-outside.txt', '/%2e%2e/broker-outside.txt', '/assets/../../broker-outside.txt', '/.env', '/%00', '/%E0%A4%A'])(
    'does not serve %s from outside the app or hidden files',
    async (path) => {
      const response = await rawGet(broker.port, path);
      expect(response.body).not.toContain('outside');
      expect(response.body).not.toContain('SECRET');
      expect([200, 404]).toContain(response.status);
    },
  );

  it('answers a plain GET on /ws with 426 and other methods with 405', async () => {
    expect((await fetch(`${broker.url}/ws`)).status).toBe(426);
    expect((await fetch(`${broker.url}/healthz`, { method: 'POST' })).status).toBe(405);
  });
});

describe('Origin', () => {
  let broker: RunningBroker;

  beforeAll(async () => {
    broker = await startBroker({ ...base, port: 0, staticDir: null, allowedOrigins: ['https://app.example.org'] });
  });

  afterAll(() => broker.close());

  it('allows devices without Origin, our own origin and listed origins', async () => {
    expect(await upgradeStatus(broker.wsUrl)).toBe(101);
    expect(await upgradeStatus(broker.wsUrl, { Origin: broker.url })).toBe(101);
    expect(await upgradeStatus(broker.wsUrl, { Origin: 'https://APP.example.org' })).toBe(101);
  });

  it.each(['https://evil.example', 'null', `https://127.0.0.1:1`])('refuses Origin %s with 403', async (origin) => {
    expect(await upgradeStatus(broker.wsUrl, { Origin: origin })).toBe(403);
    const device = await TestClient.logOn(broker.wsUrl);
    await expectRoutes(device, device);
    await device.close();
  });

  it('refuses upgrades on other paths with 404', async () => {
    expect(await upgradeStatus(broker.wsUrl.replace('/ws', '/other'))).toBe(404);
  });
});

describe('TLS', () => {
  it('serves https and wss on one port', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'broker-tls-'));
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
    const broker = await startBroker({ ...base, port: 0, staticDir: null, tlsCert: cert, tlsKey: key });
    try {
      expect(broker.url).toMatch(/^https:/);
      expect(broker.wsUrl).toMatch(/^wss:/);
      const client = await TestClient.open(broker.wsUrl, { rejectUnauthorized: false });
      await client.logOnAs();
      await expectRoutes(client, client);
      await client.close();
      expect(await upgradeStatus(broker.wsUrl.replace('wss:', 'ws:'), {}).catch(() => 'refused')).toBe('refused');
    } finally {
      await broker.close();
    }
  });

  it('cuts a socket that does not finish its TLS handshake within the request timeout', async () => {
    const broker = await startBroker({ ...base, port: 0, staticDir: null, requestTimeoutMs: 200, ...selfSignedCertificate() });
    try {
      const idle = connect({ port: broker.port, host: '127.0.0.1' });
      idle.on('error', () => undefined);
      idle.resume();
      // Node's default is two minutes: the test's own timeout would come first.
      await once(idle, 'close');
      const client = await TestClient.open(broker.wsUrl, { rejectUnauthorized: false });
      await client.logOnAs();
      await client.close();
    } finally {
      await broker.close();
    }
  });
});

describe('close', () => {
  it('closes every socket with 1001 and frees the port for an immediate restart', async () => {
    const first = await startBroker({ ...base, port: 0, staticDir: null });
    const clients = await Promise.all([TestClient.logOn(first.wsUrl), TestClient.logOn(first.wsUrl), TestClient.open(first.wsUrl)]);
    await first.close();
    for (const client of clients) expect((await client.closed).code).toBe(1001);
    const second = await startBroker({ ...base, port: first.port, staticDir: null });
    try {
      const client = await TestClient.logOn(second.wsUrl);
      await expectRoutes(client, client);
      await client.close();
    } finally {
      await second.close();
    }
  });

  it('cuts a peer that never answers the close handshake after the grace period', async () => {
    const broker = await startBroker({ ...base, port: 0, staticDir: null, closeGraceMs: 50 });
    const client = await TestClient.logOn(broker.wsUrl);
    client.socket.pause();
    const started = Date.now();
    // Without the cut, ws would wait 30 s for the peer's close frame.
    await broker.close();
    expect(Date.now() - started).toBeLessThan(1000);
    client.socket.resume();
    await client.closed;
  });
});

/** A self-signed certificate for 127.0.0.1, made with openssl for one test. */
function selfSignedCertificate(): { tlsCert: string; tlsKey: string } {
  const dir = mkdtempSync(join(tmpdir(), 'broker-tls-'));
  const tlsCert = join(dir, 'cert.pem');
  const tlsKey = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-keyout', tlsKey, '-out', tlsCert], { stdio: 'ignore' });
  return { tlsCert, tlsKey };
}

/** The status and headers of a refused WebSocket upgrade. */
function refusedUpgrade(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once('open', () => {
      socket.close();
      reject(new Error('the upgrade was accepted'));
    });
    socket.once('unexpected-response', (_request, response) => {
      resolve({ status: response.statusCode ?? 0, headers: response.headers });
      response.resume();
    });
    socket.once('error', reject);
  });
}

/** Directive name to its sources, e.g. "script-src" to ["'self'"]. */
function directivesOf(policy: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const directive of policy.split(';')) {
    const [name, ...sources] = directive.trim().split(/\s+/);
    if (name) directives.set(name, sources);
  }
  return directives;
}

type HeaderLookup = (name: string) => string | null | undefined;

/** What a security review expects of every response, whatever it is (docs/protocol.md, "Transport"). */
function expectSecurityHeaders(header: HeaderLookup): void {
  const policy = header('content-security-policy') ?? '';
  expect(policy).not.toMatch(/unsafe-|data:|blob:|\*/);
  const directives = directivesOf(policy);
  expect(directives.get('default-src')).toEqual(["'none'"]);
  for (const kind of ['script-src', 'style-src', 'img-src', 'worker-src', 'manifest-src']) expect(directives.get(kind)).toEqual(["'self'"]);
  expect(directives.get('connect-src')).toEqual(["'self'", 'ws:', 'wss:']);
  expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
  expect(directives.get('base-uri')).toEqual(["'none'"]);
  expect(header('x-frame-options')).toBe('DENY');
  expect(header('referrer-policy')).toBe('no-referrer');
  const permissions = (header('permissions-policy') ?? '').split(',').map((item) => item.trim());
  expect(permissions).toEqual(expect.arrayContaining(['geolocation=(self)', 'camera=()', 'microphone=()', 'payment=()', 'usb=()']));
  // serial: the app sets a new thermostat up over USB (Web Serial); refused, requestPort() throws SecurityError.
  expect(permissions.filter((item) => !item.endsWith('=()')).sort()).toEqual(['clipboard-write=(self)', 'geolocation=(self)', 'serial=(self)']);
  expect(header('x-content-type-options')).toBe('nosniff');
  expect(header('cross-origin-opener-policy')).toBe('same-origin');
  expect(header('cross-origin-resource-policy')).toBe('same-origin');
}

describe('security headers and symlinks', () => {
  let broker: RunningBroker;
  let root: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'broker-headers-'));
    const outside = mkdtempSync(join(tmpdir(), 'broker-outside-'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>app</title>');
    writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(join(root, 'firmware.html'), '<!doctype html><title>install</title>');
    writeFileSync(join(outside, 'secret.txt'), 'outside secret');
    symlinkSync(join(outside, 'secret.txt'), join(root, 'linked-file.txt'));
    symlinkSync(join(outside, 'secret.txt'), join(root, 'linked-file'));
    symlinkSync(outside, join(root, 'linked-dir'));
    symlinkSync(join(root, 'assets'), join(root, 'assets-alias'));
    broker = await startBroker({ ...base, port: 0, staticDir: root });
  });

  afterAll(() => broker.close());

  it.each([
    ['GET', '/', 200],
    ['HEAD', '/', 200],
    ['GET', '/assets/index-abc123.js', 200],
    ['GET', '/settings/room', 200],
    ['GET', '/healthz', 200],
    ['GET', '/assets/missing-1.js', 404],
    ['GET', '/..%2f..%2fetc/passwd', 404],
    ['POST', '/', 405],
    ['GET', '/ws', 426],
  ])('%s %s (%d) carries every security header, and no HSTS without TLS', async (method, path, status) => {
    const response = await fetch(`${broker.url}${path}`, { method });
    expect(response.status).toBe(status);
    expectSecurityHeaders((name) => response.headers.get(name));
    expect(response.headers.get('strict-transport-security')).toBeNull();
    await response.arrayBuffer();
  });

  it("gives the install page, and it alone, ESP Web Tools' inline styles by hash; every other header as strict", async () => {
    for (const path of ['/firmware.html', '/firmware.html?from=setup']) {
      const response = await fetch(`${broker.url}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-security-policy')).toBe(INSTALL_PAGE_CONTENT_SECURITY_POLICY);
      expectSecurityHeaders((name) => (name === 'content-security-policy' ? CONTENT_SECURITY_POLICY : response.headers.get(name)));
      await response.arrayBuffer();
    }
    for (const path of ['/', '/firmware', '/firmware/manifest.json', '/assets/index-abc123.js']) {
      const response = await fetch(`${broker.url}${path}`);
      expect(response.headers.get('content-security-policy'), path).toBe(CONTENT_SECURITY_POLICY);
      await response.arrayBuffer();
    }
  });

  it.each([
    ['another path', '/other', {}, 404],
    ['a foreign Origin', '/ws', { Origin: 'https://evil.example' }, 403],
    ['a Host that is not one of its names', '/ws', { Host: 'evil.example' }, 421],
  ])('a WebSocket upgrade refused for %s carries them too', async (_why, path, headers, status) => {
    const refused = await refusedUpgrade(broker.wsUrl.replace('/ws', path), headers);
    expect(refused.status).toBe(status);
    expectSecurityHeaders((name) => {
      const value = refused.headers[name];
      return Array.isArray(value) ? value.join(', ') : value;
    });
  });

  it.each(['/linked-file.txt', '/linked-file', '/linked-dir/secret.txt', '/linked-dir', '/linked-dir/'])(
    'refuses %s, a symlink out of the app folder, with 404',
    async (path) => {
      const response = await fetch(`${broker.url}${path}`);
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain('secret');
    },
  );

  it('still serves files, and symlinks that stay inside the app folder', async () => {
    for (const path of ['/assets/index-abc123.js', '/assets-alias/index-abc123.js']) {
      const response = await fetch(`${broker.url}${path}`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('console.log(1)');
    }
  });

  it('sends HSTS only when it serves TLS itself', async () => {
    const secure = await startBroker({ ...base, port: 0, staticDir: root, ...selfSignedCertificate() });
    try {
      for (const path of ['/', '/healthz', '/missing.js']) {
        const headers = await new Promise<IncomingHttpHeaders>((resolve, reject) => {
          const request = httpsRequest(`${secure.url}${path}`, { rejectUnauthorized: false }, (response) => {
            resolve(response.headers);
            response.resume();
          });
          request.on('error', reject);
          request.end();
        });
        expect(headers['strict-transport-security']).toBe('max-age=31536000');
        expectSecurityHeaders((name) => headers[name] as string | undefined);
      }
    } finally {
      await secure.close();
    }
  });
});
