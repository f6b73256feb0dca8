import { describe, expect, it } from 'vitest';
import { cacheControlOf, contentTypeOf, resolveInside } from './static.ts';

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
