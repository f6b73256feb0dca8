/**
 * The built app: a small file server with an SPA fallback and cache headers that suit a service worker. The
 * security headers are the server's (broker/http-headers.ts), set on every response before this runs.
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

export type StaticHandler = (request: IncomingMessage, response: ServerResponse, urlPath: string) => Promise<void>;

/** True when `path` lies inside the directory `root` (both real, absolute paths). */
export function isWithin(root: string, path: string): boolean {
  return path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** A file to send (by its real path), nothing there, or something whose real path leaves the root. */
type Lookup = { kind: 'file'; real: string; size: number } | { kind: 'missing' } | { kind: 'outside' };

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
      return info.isFile() ? { kind: 'file', real, size: info.size } : { kind: 'missing' };
    } catch {
      return { kind: 'missing' };
    }
  };

  const send = (request: IncomingMessage, response: ServerResponse, found: { real: string; size: number }, relative: string): void => {
    response.writeHead(200, {
      'Content-Type': contentTypeOf(relative),
      'Content-Length': found.size,
      'Cache-Control': cacheControlOf(relative),
    });
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    // The path that was checked, not the one asked for: a link switched since then is not followed.
    const stream = createReadStream(found.real);
    stream.on('error', () => response.destroy());
    stream.pipe(response);
  };

  return async (request, response, urlPath) => {
    const target = resolveInside(root, urlPath);
    if (target === null) return notFound(response);
    const found = await lookUp(target.file);
    if (found.kind === 'file') return send(request, response, found, target.relative);
    // Client-side routes have no extension; a missing file with one is a real 404, and so is anything outside.
    if (found.kind === 'outside' || extname(target.relative) !== '') return notFound(response);
    const index = await lookUp(resolve(root, 'index.html'));
    if (index.kind !== 'file') return notFound(response);
    send(request, response, index, 'index.html');
  };
}

export function notFound(response: ServerResponse): void {
  response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache' });
  response.end('not found\n');
}
