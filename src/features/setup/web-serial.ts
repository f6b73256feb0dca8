import type { SerialPortChooser } from './setup-session';

/**
 * The browser's Web Serial, or null where there is none: Firefox, Safari, every phone, and any page that is not
 * a secure context (https:// or localhost).
 */
export function webSerial(nav: Navigator = navigator): SerialPortChooser | null {
  const serial = (nav as Partial<Navigator>).serial;
  return serial === undefined || serial === null ? null : serial;
}

/** Addresses only this computer can reach: a thermostat told to use them would look for the server in itself. */
export function isLocalOnlyHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname.endsWith('.localhost') || /^127\./.test(hostname) || hostname === '[::1]';
}
