import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptedCodings, cacheControlOf, chooseCoding, contentTypeOf, createStaticHandler, isWithin, resolveInside } from './static.ts';

describe('resolveInside', () => {
  it.each(['/../etc/passwd', '/..%2f..%2fetc/passwd', '/a/../../x', '/%2e%2e/x', '/.git/config', '/a\\..\\b', '/%00', '/%zz'])(
    'refuses %s',
    (path) => {
      expect(resolveInside('/srv/app', path)).toBeNull();
    },
  );

  it('maps paths inside the root, and / to index.html', () => {
    expect(resolveInside('/srv/app', '/')).toEqual({ file: '/srv/app/index.html', relative: 'index.html' });
    expect(resolveInside('/srv/app', '/assets/a%20b.js')).toEqual({ file: '/srv/app/assets/a b.js', relative: 'assets/a b.js' });
  });
});

describe('isWithin', () => {
  it('takes paths under the root, and not the root itself or a sibling that shares its prefix', () => {
    expect(isWithin('/srv/app', '/srv/app/index.html')).toBe(true);
    expect(isWithin('/srv/app', '/srv/app/assets/a.js')).toBe(true);
    expect(isWithin('/', '/srv/app/index.html')).toBe(true);
    expect(isWithin('/srv/app', '/srv/app')).toBe(false);
    expect(isWithin('/srv/app', '/srv/app2/index.html')).toBe(false);
    expect(isWithin('/srv/app', '/etc/passwd')).toBe(false);
  });
});

describe('headers', () => {
  it('revalidates the entry points and caches hashed assets for a year', () => {
    for (const path of ['index.html', 'sw.js', 'manifest.webmanifest', 'registerSW.js', 'icon.png']) expect(cacheControlOf(path)).toBe('no-cache');
    expect(cacheControlOf('assets/index-1a2b.js')).toBe('public, max-age=31536000, immutable');
  });

  it.each([
    ['a.js', 'text/javascript; charset=utf-8'],
    ['a.webmanifest', 'application/manifest+json'],
    ['a.ico', 'image/x-icon'],
    ['a.txt', 'text/plain; charset=utf-8'],
    ['a.bin', 'application/octet-stream'],
  ])('%s is %s', (path, type) => {
    expect(contentTypeOf(path)).toBe(type);
  });
});

describe('acceptedCodings and chooseCoding', () => {
  const both = new Set(['br', 'gzip'] as const);
  const choose = (header: string | undefined, available: ReadonlySet<'br' | 'gzip'> = both) => chooseCoding(acceptedCodings(header), available);

  it.each([
    ['gzip, deflate, br, zstd', 'br'],
    ['gzip', 'gzip'],
    ['br;q=0, gzip', 'gzip'],
    ['BR;Q=0.5, GZIP;q=0.8', 'gzip'],
    ['gzip;q=0.5, br;q=0.5', 'br'],
    ['x-gzip', 'gzip'],
    ['*', 'br'],
    ['*;q=0, gzip', 'gzip'],
    ['br;q=0, gzip;q=0', null],
    ['br;q=abc, gzip;q=2', null],
    ['identity', null],
    ['deflate', null],
    ['', null],
  ])('%j sends %s', (header, coding) => {
    expect(choose(header)).toBe(coding);
  });

  it('sends nothing compressed to a client that says nothing, or says too much', () => {
    expect(choose(undefined)).toBeNull();
    expect(choose(`gzip, ${'x;q=0, '.repeat(200)}br`)).toBeNull();
  });

  it('sends only a copy that is there', () => {
    expect(choose('br, gzip', new Set(['gzip']))).toBe('gzip');
    expect(choose('br', new Set(['gzip']))).toBeNull();
    expect(choose('br, gzip', new Set())).toBeNull();
  });
});

describe('precompressed copies', () => {
  const script = `export const greeting = ${JSON.stringify('hello '.repeat(400))};\n`;
  const page = `<!doctype html><title>Hearth</title>${'<p>hello</p>'.repeat(100)}`;
  let root: string;
  let server: Server;
  let port: number;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'static-precompressed-'));
    mkdirSync(join(root, 'assets'));
    // The build writes each file, then its copies: the copies are newer.
    const built = new Date(2026, 0, 1);
    for (const [name, text] of [['assets/app-1a2b.js', script], ['index.html', page]] as const) {
      writeFileSync(join(root, name), text);
      utimesSync(join(root, name), built, built);
      writeFileSync(join(root, `${name}.br`), brotliCompressSync(text));
      writeFileSync(join(root, `${name}.gz`), gzipSync(text));
    }
    writeFileSync(join(root, 'icon.png'), 'not really a png');
    writeFileSync(join(root, 'only-gzip.css'), 'a{}'.repeat(100));
    utimesSync(join(root, 'only-gzip.css'), built, built);
    writeFileSync(join(root, 'only-gzip.css.gz'), gzipSync('a{}'.repeat(100)));
    // A copy as old as its file: copied in with it, or left by a build within the same instant; which it is, is unknown.
    writeFileSync(join(root, 'same-time.js'), 'export const version = 2;');
    writeFileSync(join(root, 'same-time.js.br'), brotliCompressSync('export const version = 1;'));
    utimesSync(join(root, 'same-time.js'), built, built);
    utimesSync(join(root, 'same-time.js.br'), built, built);
    // A copy whose file is gone.
    writeFileSync(join(root, 'assets/removed-9z8y.js.gz'), gzipSync('export {};'));
    // An old copy beside a file rebuilt since: it no longer says what the file says.
    writeFileSync(join(root, 'rebuilt.js'), 'export const version = 2;');
    writeFileSync(join(root, 'rebuilt.js.br'), brotliCompressSync('export const version = 1;'));
    utimesSync(join(root, 'rebuilt.js.br'), new Date(2020, 0, 1), new Date(2020, 0, 1));
    // A file of its own whose name happens to end in .gz (nothing beside it by the shorter name).
    writeFileSync(join(root, 'archive.tar.gz'), gzipSync('data'));
    const handle = createStaticHandler(root);
    server = createServer((request, response) => void handle(request, response, new URL(request.url ?? '/', 'http://x').pathname));
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const address = server.address();
    port = typeof address === 'object' && address !== null ? address.port : 0;
  });

  afterAll(async () => {
    await new Promise((done) => server.close(done));
    rmSync(root, { recursive: true, force: true });
  });

  /** A raw request: no client library that asks for or decodes an encoding on its own. */
  const get = (path: string, acceptEncoding?: string, method = 'GET') =>
    new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((done, fail) => {
      const request = httpRequest({ port, host: '127.0.0.1', path, method, headers: acceptEncoding === undefined ? {} : { 'Accept-Encoding': acceptEncoding } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => done({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      });
      request.on('error', fail);
      request.end();
    });

  it('sends brotli to a client that accepts it, with the length of what it sends and the file’s type and caching', async () => {
    const response = await get('/assets/app-1a2b.js', 'gzip, deflate, br');
    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBe('br');
    expect(response.headers['vary']).toBe('Accept-Encoding');
    expect(response.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(Number(response.headers['content-length'])).toBe(response.body.length);
    expect(response.body.length).toBeLessThan(script.length);
    expect(brotliDecompressSync(response.body).toString()).toBe(script);
  });

  it('sends gzip to a client that refuses brotli or accepts only gzip', async () => {
    for (const header of ['br;q=0, gzip', 'gzip']) {
      const response = await get('/assets/app-1a2b.js', header);
      expect(response.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(response.body).toString()).toBe(script);
    }
  });

  it('sends the file itself to a client that accepts no copy there is, still saying the answer varies', async () => {
    for (const header of [undefined, 'identity', 'br;q=0, gzip;q=0', 'deflate']) {
      const response = await get('/assets/app-1a2b.js', header);
      expect(response.headers['content-encoding']).toBeUndefined();
      expect(response.headers['vary']).toBe('Accept-Encoding');
      expect(response.body.toString()).toBe(script);
      expect(Number(response.headers['content-length'])).toBe(script.length);
    }
    const onlyGzip = await get('/only-gzip.css', 'br');
    expect(onlyGzip.headers['content-encoding']).toBeUndefined();
    expect(onlyGzip.body.toString()).toBe('a{}'.repeat(100));
  });

  it('answers HEAD with the headers and length of the copy a GET would send, and no body', async () => {
    const response = await get('/assets/app-1a2b.js', 'br', 'HEAD');
    expect(response.headers['content-encoding']).toBe('br');
    expect(Number(response.headers['content-length'])).toBe(brotliCompressSync(script).length);
    expect(response.body.length).toBe(0);
  });

  it('compresses the app shell of a client-side route too, which must be revalidated', async () => {
    const response = await get('/rooms/living', 'br');
    expect(response.headers['content-encoding']).toBe('br');
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(brotliDecompressSync(response.body).toString()).toBe(page);
  });

  it('never sends a copy older than its file, or only as old', async () => {
    for (const path of ['/rebuilt.js', '/same-time.js']) {
      const response = await get(path, 'br');
      expect(response.headers['content-encoding']).toBeUndefined();
      expect(response.body.toString()).toBe('export const version = 2;');
    }
  });

  it('does not serve a copy as a file of its own, but does serve a file whose name ends in .gz', async () => {
    for (const path of ['/assets/app-1a2b.js.br', '/assets/app-1a2b.js.gz', '/index.html.br', '/assets/removed-9z8y.js.gz']) {
      expect((await get(path, 'br, gzip')).status).toBe(404);
      expect((await get(path)).status).toBe(404);
    }
    const archive = await get('/archive.tar.gz');
    expect(archive.status).toBe(200);
    expect(archive.headers['content-encoding']).toBeUndefined();
    expect(gunzipSync(archive.body).toString()).toBe('data');
  });

  it('leaves files without copies as they were, with no Vary', async () => {
    const response = await get('/icon.png', 'br, gzip');
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.headers['vary']).toBeUndefined();
    expect(response.body.toString()).toBe('not really a png');
  });
});
