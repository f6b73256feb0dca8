import type { SerialPortChooser } from './setup-session';

/**
 * The browser's Web Serial, or null where there is none: Firefox, Safari, every phone, and any page that is not
 * a secure context (https:// or localhost).
 */
export function webSerial(nav: Navigator = navigator): SerialPortChooser | null {
  const serial = (nav as Partial<Navigator>).serial;
  return serial === undefined || serial === null ? null : serial;
}
