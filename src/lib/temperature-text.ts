import { settingValue } from '@protocol';

/**
 * A temperature typed by a person, as the tenth of a degree a SET may carry (`target`'s range and step), or null:
 * "21", "21.5", and "21,5" as a comma-decimal keyboard types it. Nothing else a number parser would take
 * ("0x17", "2.3e1", "Infinity"): the one reader of typed temperatures in the app.
 */
export function parseTemperatureText(text: string): number | null {
  const found = /^(\d{1,2})(?:[.,](\d)0*)?$/.exec(text.trim());
  if (found === null) return null;
  return settingValue('target', Number(`${found[1]}.${found[2] ?? '0'}`));
}
