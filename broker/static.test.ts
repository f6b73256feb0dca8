import { describe, expect, it } from 'vitest';
import { cacheControlOf, contentTypeOf, isWithin, resolveInside } from './static.ts';

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
