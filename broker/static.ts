/**
 * The built app: a small file server with an SPA fallback and cache headers that suit a service worker. The
 * security headers are the server's (broker/http-headers.ts), set on every response before this runs. The build
 * writes brotli and gzip copies beside the files that compress (vite.config.ts); a client that accepts one gets it.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basename, extname, resolve, sep } from 'node:path';

const CONTENT_TYPES = new Map<string, string>([
  ['.html', 'text/html; charset=utf-8'],
  ['.js', 'text/javascript; charset=utf-8'],
  ['.mjs', 'text/javascript; charset=utf-8'],
  ['.css', 'text/css; charset=utf-8'],
  ['.json', 'application/json'],
  ['.map', 'application/json'],
  ['.webmanifest', 'application/manifest+json'],
  ['.png', 'image/png'],
  ['.svg', 'image/svg+xml'],
  ['.ico', 'image/x-icon'],
  ['.webp', 'image/webp'],
  ['.woff2', 'font/woff2'],
  ['.txt', 'text/plain; charset=utf-8'],
]);

/** Files the browser must revalidate every time, or a new deployment would never reach it. */
const ALWAYS_REVALIDATE = new Set(['index.html', 'sw.js', 'manifest.webmanifest', 'registerSW.js']);
const IMMUTABLE = 'public, max-age=31536000, immutable';

export const contentTypeOf = (path: string): string => CONTENT_TYPES.get(extname(path).toLowerCase()) ?? 'application/octet-stream';

/** Hashed files under assets/ never change under their name; everything else is revalidated. */
export function cacheControlOf(relativePath: string): string {
  if (ALWAYS_REVALIDATE.has(basename(relativePath))) return 'no-cache';
  return relativePath.startsWith('assets/') ? IMMUTABLE : 'no-cache';
}

/**
 * Maps a URL path to a file path inside `root`, or null when it would leave `root`, names a hidden file,
 * or is not a valid percent-encoding.
 */
export function resolveInside(root: string, urlPath: string): { file: string; relative: string } | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').filter((segment) => segment !== '');
  if (segments.some((segment) => segment.startsWith('.'))) return null;
  const relative = segments.join('/') || 'index.html';
  const file = resolve(root, relative);
  if (!file.startsWith(root + sep)) return null;
  return { file, relative };
}

/** The encodings the build writes beside a file, by the suffix of the copy, in our order of preference. */
const ENCODINGS = [
  { coding: 'br', suffix: '.br' },
  { coding: 'gzip', suffix: '.gz' },
] as const;
export type Coding = (typeof ENCODINGS)[number]['coding'];
/**
 * The name of a copy the build writes (vite.config.ts compresses these formats): never a file of its own, so one whose
 * file is gone is not sent either, as application/octet-stream under its own name.
 */
const PRECOMPRESSED_COPY = /\.(?:js|mjs|css|html|svg|json|webmanifest|wasm|txt|xml)\.(?:br|gz)$/i;

/** An Accept-Encoding header longer than this is not read: no browser sends one, and its parse is bounded. */
const MAX_ACCEPT_ENCODING_LENGTH = 1024;

/**
 * The weight (0 to 1) the client's Accept-Encoding gives each coding we can send (RFC 9110, 12.5.3): a coding it names
 * takes its own q, one it does not takes `*`'s, and one neither names is not accepted. A missing header accepts
 * nothing compressed: clients that decode say so.
 */
export function acceptedCodings(header: string | undefined): Map<Coding, number> {
  const weights = new Map<Coding, number>();
  if (header === undefined || header.length > MAX_ACCEPT_ENCODING_LENGTH) return weights;
  const named = new Map<string, number>();
  for (const item of header.split(',')) {
    const [token = '', ...parameters] = item.split(';').map((part) => part.trim().toLowerCase());
    if (token === '') continue;
    let q = 1;
    for (const parameter of parameters) {
      const match = /^q\s*=\s*(0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/.exec(parameter);
      // A malformed weight refuses the coding rather than guessing what the client meant.
      q = match === null ? 0 : Number(match[1]);
    }
    // x-gzip is gzip's old name (RFC 9110, 8.4.1.3).
    named.set(token === 'x-gzip' ? 'gzip' : token, q);
  }
  for (const { coding } of ENCODINGS) {
    const q = named.get(coding) ?? named.get('*');
    if (q !== undefined && q > 0) weights.set(coding, q);
  }
  return weights;
}

/** The copy to send: the accepted coding of highest weight among those on disk, brotli on a tie; null for the file itself. */
export function chooseCoding(accepted: Map<Coding, number>, available: ReadonlySet<Coding>): Coding | null {
  let best: Coding | null = null;
  for (const { coding } of ENCODINGS) {
    const q = accepted.get(coding);
    if (q === undefined || !available.has(coding)) continue;
    if (best === null || q > (accepted.get(best) ?? 0)) best = coding;
  }
  return best;
}

export type StaticHandler = (request: IncomingMessage, response: ServerResponse, urlPath: string) => Promise<void>;

/** True when `path` lies inside the directory `root` (both real, absolute paths). */
export function isWithin(root: string, path: string): boolean {
  return path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** A file to send (by its real path), nothing there, or something whose real path leaves the root. */
type Lookup = { kind: 'file'; real: string; size: number; modified: number } | { kind: 'missing' } | { kind: 'outside' };
type Found = Extract<Lookup, { kind: 'file' }>;

export function createStaticHandler(directory: string): StaticHandler {
  const root = resolve(directory);
  /** The root's real path, looked up once rather than on every request. */
  let realRoot: string | null = null;

  const insideRealRoot = async (real: string): Promise<boolean> => {
    if (realRoot !== null && isWithin(realRoot, real)) return true;
    // Looked up again before refusing: the root itself may be a symlink that a deployment switched to a new release.
    realRoot = await realpath(root).catch(() => null);
    return realRoot !== null && isWithin(realRoot, real);
  };

  /** Symlinks are followed only as far as the root: a file or directory linked from outside it is refused. */
  const lookUp = async (file: string): Promise<Lookup> => {
    let real: string;
    try {
      real = await realpath(file);
    } catch {
      return { kind: 'missing' };
    }
    if (!(await insideRealRoot(real))) return { kind: 'outside' };
    try {
      const info = await stat(real);
      return info.isFile() ? { kind: 'file', real, size: info.size, modified: info.mtimeMs } : { kind: 'missing' };
    } catch {
      return { kind: 'missing' };
    }
  };

  /**
   * The compressed copies of `found` the build left beside it (a `.br` or `.gz` sibling inside the root). The build
   * writes each copy after its file and replaces or removes every copy on each build, so a copy not strictly newer
   * than its file was left by an earlier build or copied in out of order: never sent in its place.
   */
  const copiesOf = async (found: Found): Promise<Map<Coding, Found>> => {
    const copies = new Map<Coding, Found>();
    for (const { coding, suffix } of ENCODINGS) {
      const copy = await lookUp(found.real + suffix);
      if (copy.kind === 'file' && copy.modified > found.modified) copies.set(coding, copy);
    }
    return copies;
  };

  const send = async (request: IncomingMessage, response: ServerResponse, found: Found, relative: string): Promise<void> => {
    const copies = await copiesOf(found);
    const coding = chooseCoding(acceptedCodings(request.headers['accept-encoding']), new Set(copies.keys()));
    const body = coding === null ? found : (copies.get(coding) ?? found);
    response.writeHead(200, {
      'Content-Type': contentTypeOf(relative),
      'Content-Length': body.size,
      'Cache-Control': cacheControlOf(relative),
      // Caches must keep the copies apart whenever there is more than one to choose from.
      ...(copies.size > 0 ? { Vary: 'Accept-Encoding' } : {}),
      ...(coding === null ? {} : { 'Content-Encoding': coding }),
    });
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    // The path that was checked, not the one asked for: a link switched since then is not followed.
    const stream = createReadStream(body.real);
    stream.on('error', () => response.destroy());
    stream.pipe(response);
  };

  return async (request, response, urlPath) => {
    const target = resolveInside(root, urlPath);
    if (target === null) return notFound(response);
    // A compressed copy is only ever sent as an encoding of its file, never as a file of its own.
    if (PRECOMPRESSED_COPY.test(target.relative)) return notFound(response);
    const found = await lookUp(target.file);
    if (found.kind === 'file') return send(request, response, found, target.relative);
    // Client-side routes have no extension; a missing file with one is a real 404, and so is anything outside.
    if (found.kind === 'outside' || extname(target.relative) !== '') return notFound(response);
    const index = await lookUp(resolve(root, 'index.html'));
    if (index.kind !== 'file') return notFound(response);
    return send(request, response, index, 'index.html');
  };
}

export function notFound(response: ServerResponse): void {
  response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache' });
  response.end('not found\n');
}
