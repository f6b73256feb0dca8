// The install page's one exception to the CSP: the hashes it allows are those of the inline styles that the installed
// ESP Web Tools actually carries, and nothing else is loosened.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  ESP_WEB_TOOLS_STYLE_ATTRIBUTE_HASHES,
  ESP_WEB_TOOLS_STYLE_ELEMENT_HASHES,
  INSTALL_PAGE_CONTENT_SECURITY_POLICY,
  installPageHeadersOf,
  SECURITY_HEADERS,
} from './http-headers.ts';

/** The browser build the install page loads (src/features/firmware-install/main.ts). */
const bundleDir = join(import.meta.dirname, '..', 'node_modules', 'esp-web-tools', 'dist', 'web');
const bundle = readdirSync(bundleDir)
  .filter((file) => file.endsWith('.js'))
  .map((file) => readFileSync(join(bundleDir, file), 'utf8'))
  .join('\n');

const hashOf = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
/** The text a template literal's escapes stand for (the bundle writes its HTML as template literals). */
const unescape = (literal: string) => literal.replace(/\\(.)/g, (_, escaped: string) => ({ n: '\n', t: '\t' })[escaped] ?? escaped);

describe("the install page's Content-Security-Policy", () => {
  it("allows exactly the inline <style> elements and style attributes of the installed ESP Web Tools", () => {
    const elements = [...bundle.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((match) => unescape(match[1] ?? ''));
    const attributes = [...bundle.matchAll(/style="([^"]*)"/g)].map((match) => unescape(match[1] ?? ''));
    // A template literal with a ${…} inside would be computed at run time: its hash could not be known here.
    expect(elements.some((text) => text.includes('${'))).toBe(false);
    expect(elements.length).toBeGreaterThan(0);
    expect([...new Set(elements.map(hashOf))].sort()).toEqual([...ESP_WEB_TOOLS_STYLE_ELEMENT_HASHES].sort());
    expect([...new Set(attributes.map(hashOf))].sort()).toEqual([...ESP_WEB_TOOLS_STYLE_ATTRIBUTE_HASHES].sort());
  });

  it("is the app's policy with only those styles added: no inline script, eval, or any other inline style", () => {
    const added = INSTALL_PAGE_CONTENT_SECURITY_POLICY.slice(CONTENT_SECURITY_POLICY.length).split(';').map((directive) => directive.trim()).filter(Boolean);
    expect(INSTALL_PAGE_CONTENT_SECURITY_POLICY.startsWith(`${CONTENT_SECURITY_POLICY}; `)).toBe(true);
    expect(added).toEqual([
      ["style-src-elem 'self'", ...ESP_WEB_TOOLS_STYLE_ELEMENT_HASHES].join(' '),
      ["style-src-attr 'unsafe-hashes'", ...ESP_WEB_TOOLS_STYLE_ATTRIBUTE_HASHES].join(' '),
    ]);
    expect(INSTALL_PAGE_CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|data:|blob:|\*/);
  });

  it('replaces only the policy among the security headers', () => {
    expect(new Map(installPageHeadersOf(SECURITY_HEADERS))).toEqual(
      new Map([...SECURITY_HEADERS, ['Content-Security-Policy', INSTALL_PAGE_CONTENT_SECURITY_POLICY]]),
    );
  });
});
