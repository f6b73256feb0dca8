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

/** Set before the handler's writeHead, which merges its own headers with these. */
export function applySecurityHeaders(response: ServerResponse, headers: SecurityHeaderList): void {
  for (const [name, value] of headers) response.setHeader(name, value);
}

/**
 * The same headers as raw lines, for answers written straight to a socket (a refused WebSocket upgrade).
 * HSTS is left out there: any https response teaches it, and a refusal is never a page.
 */
export const RAW_SECURITY_HEADER_LINES = SECURITY_HEADERS.map(([name, value]) => `${name}: ${value}\r\n`).join('');
