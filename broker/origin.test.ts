import { describe, expect, it } from 'vitest';
import { isOriginAllowed } from './origin.ts';

const listed = new Set(['https://app.example.org']);

describe('isOriginAllowed', () => {
  it.each([
    [undefined, 'broker:8080', false, true],
    ['http://broker:8080', 'broker:8080', false, true],
    ['https://broker:8080', 'broker:8080', true, true],
    ['http://broker:8080', 'broker:8080', true, false],
    ['HTTPS://App.Example.org/', 'broker:8080', false, true],
    ['https://evil.example', 'broker:8080', false, false],
    ['null', 'broker:8080', false, false],
    ['http://broker:8080', undefined, false, false],
  ])('origin %s on host %s (tls %s): %s', (origin, host, secure, allowed) => {
    expect(isOriginAllowed(origin, host, secure, listed)).toBe(allowed);
  });
});
