/** The HTTP side of the one port: /healthz, the app's files, Origin checks, TLS, shutdown and port reuse. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
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
      await client.logOnAs(client.id, client.proof);
      await expectRoutes(client, client);
      await client.close();
      expect(await upgradeStatus(broker.wsUrl.replace('wss:', 'ws:'), {}).catch(() => 'refused')).toBe('refused');
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
