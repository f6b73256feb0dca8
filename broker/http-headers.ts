/**
 * The security headers on every HTTP response of the broker, defined here only (docs/protocol.md, "Transport").
 * The app is same-origin scripts, styles and images only; it talks over WebSockets, and nothing may frame it.
 */
import type { ServerResponse } from 'node:http';

/**
 * No inline script or style, no eval, no plugins, no frames. `connect-src` allows any ws:/wss: host because the
 * app's settings let the user point it at another broker (src/app/broker-url.ts); plain http(s) requests still
 * only reach our own origin. The service worker's fetches of the precache are `connect-src 'self'` under the
 * CSP sent with sw.js itself.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "worker-src 'self'",
  "connect-src 'self' ws: wss:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** ESP Web Tools' install page, a second page of the app's build (firmware.html). */
export const INSTALL_PAGE_PATH = '/firmware.html';

/**
 * ESP Web Tools 10.4.0 (npm esp-web-tools) puts three fixed inline styles in its dialogs: a <style> element in its
 * "Logs & Console" view and two style attributes in its "No port selected" help. The install page alone may apply
 * those exact texts, by their hashes ('unsafe-hashes' lets a style attribute match one); any other inline style stays
 * refused, and scripts are as strict as everywhere. broker/http-headers.test.ts computes them from the installed package.
 */
export const ESP_WEB_TOOLS_STYLE_ELEMENT_HASHES = ["'sha256-b2Omuoh2JkOIanVTAfAZHwUz9plh5wcKDvK2buVGrFQ='"];
export const ESP_WEB_TOOLS_STYLE_ATTRIBUTE_HASHES = ["'sha256-w68cv7ZL7DW/1c2v0g4i6aPlMi0iRw663JuMxEmNmU4='", "'sha256-2PZQPqAcY6IE7H879XiZ2Hm3cBUNVB41T1m3kjNvN6E='"];

export const INSTALL_PAGE_CONTENT_SECURITY_POLICY = [
  CONTENT_SECURITY_POLICY,
  ["style-src-elem 'self'", ...ESP_WEB_TOOLS_STYLE_ELEMENT_HASHES].join(' '),
  ["style-src-attr 'unsafe-hashes'", ...ESP_WEB_TOOLS_STYLE_ATTRIBUTE_HASHES].join(' '),
].join('; ');

/**
 * Geolocation (the geofence), copying the pairing link and Web Serial (setting up a new thermostat over its USB cable)
 * are the app's own; the other powerful features it never uses are refused to it and to anything it might embed. Web
 * Share, which the app also uses, and Bluetooth are left at their default (self): Chromium on Linux does not know them
 * and would warn about the whole header.
 */
export const PERMISSIONS_POLICY = [
  'geolocation=(self)',
  'clipboard-write=(self)',
  'serial=(self)',
  ...['accelerometer', 'autoplay', 'camera', 'display-capture', 'encrypted-media', 'fullscreen', 'gyroscope', 'hid', 'idle-detection',
    'magnetometer', 'microphone', 'midi', 'payment', 'picture-in-picture', 'publickey-credentials-get', 'screen-wake-lock', 'usb',
    'xr-spatial-tracking'].map((feature) => `${feature}=()`),
].join(', ');

/** A year; no includeSubDomains or preload, which would bind hosts the broker knows nothing about. */
export const STRICT_TRANSPORT_SECURITY = 'max-age=31536000';

/** What every response carries, with or without TLS. */
export const SECURITY_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['Content-Security-Policy', CONTENT_SECURITY_POLICY],
  // For browsers that predate frame-ancestors.
  ['X-Frame-Options', 'DENY'],
  // The pairing key travels in the URL fragment; no Referer is ever sent, not even the path.
  ['Referrer-Policy', 'no-referrer'],
  ['Permissions-Policy', PERMISSIONS_POLICY],
  ['X-Content-Type-Options', 'nosniff'],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
];

export type SecurityHeaderList = ReadonlyArray<readonly [string, string]>;

/** The list for this broker: HSTS only when it serves TLS itself (a proxy that terminates TLS adds its own). */
export const securityHeadersFor = (tls: boolean): SecurityHeaderList =>
  tls ? [...SECURITY_HEADERS, ['Strict-Transport-Security', STRICT_TRANSPORT_SECURITY]] : SECURITY_HEADERS;

/** The same list with the install page's policy in place of the app's. */
export const installPageHeadersOf = (headers: SecurityHeaderList): SecurityHeaderList =>
  headers.map(([name, value]) => [name, name === 'Content-Security-Policy' ? INSTALL_PAGE_CONTENT_SECURITY_POLICY : value] as const);

/** Set before the handler's writeHead, which merges its own headers with these. */
export function applySecurityHeaders(response: ServerResponse, headers: SecurityHeaderList): void {
  for (const [name, value] of headers) response.setHeader(name, value);
}

/**
 * The same headers as raw lines, for answers written straight to a socket (a refused WebSocket upgrade).
 * HSTS is left out there: any https response teaches it, and a refusal is never a page.
 */
export const RAW_SECURITY_HEADER_LINES = SECURITY_HEADERS.map(([name, value]) => `${name}: ${value}\r\n`).join('');
