/** The built app: a small file server with an SPA fallback and cache headers that suit a service worker. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
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

export function createStaticHandler(directory: string): StaticHandler {
  const root = resolve(directory);

  const isFile = async (file: string): Promise<number | null> => {
    try {
      const info = await stat(file);
      return info.isFile() ? info.size : null;
    } catch {
      return null;
    }
  };

  const send = (request: IncomingMessage, response: ServerResponse, file: string, relative: string, size: number): void => {
    response.writeHead(200, {
      'Content-Type': contentTypeOf(file),
      'Content-Length': size,
      'Cache-Control': cacheControlOf(relative),
      'X-Content-Type-Options': 'nosniff',
    });
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    const stream = createReadStream(file);
    stream.on('error', () => response.destroy());
    stream.pipe(response);
  };

  return async (request, response, urlPath) => {
    const target = resolveInside(root, urlPath);
    if (target === null) return notFound(response);
    const size = await isFile(target.file);
    if (size !== null) return send(request, response, target.file, target.relative, size);
    // Client-side routes have no extension; a missing file with one is a real 404.
    if (extname(target.relative) !== '') return notFound(response);
    const index = resolve(root, 'index.html');
    const indexSize = await isFile(index);
    if (indexSize === null) return notFound(response);
    send(request, response, index, 'index.html', indexSize);
  };
}

export function notFound(response: ServerResponse): void {
  response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache' });
  response.end('not found\n');
}
