import type { SerialPortChooser } from './setup-session';

/**
 * The browser's Web Serial, or null where there is none: Firefox, Safari, every phone, and any page that is not
 * a secure context (https:// or localhost).
 */
export function webSerial(nav: Navigator = navigator): SerialPortChooser | null {
  // The DOM types declare `serial` on every Navigator; the browser may have none.
  if (!('serial' in nav)) return null;
  const serial: Serial | null | undefined = nav.serial;
  return serial ?? null;
}
