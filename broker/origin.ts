/**
 * Browsers always send `Origin` on a WebSocket upgrade, so a page from another site cannot use a visitor's
 * browser to reach the broker. Devices send none and are allowed: they prove who they are with LOG_ON.
 */
export const normalizeOrigin = (origin: string): string => origin.trim().replace(/\/+$/, '').toLowerCase();

export function isOriginAllowed(
  origin: string | undefined,
  host: string | undefined,
  secure: boolean,
  allowedOrigins: ReadonlySet<string>,
): boolean {
  if (origin === undefined) return true;
  const normalized = normalizeOrigin(origin);
  if (allowedOrigins.has(normalized)) return true;
  if (host === undefined || host === '') return false;
  return normalized === `${secure ? 'https' : 'http'}://${host.toLowerCase()}`;
}
