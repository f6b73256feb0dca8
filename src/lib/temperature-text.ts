import { settingValue } from '@protocol';
import { parseDecimalInput } from './decimal-input';

/**
 * A temperature typed by a person, as the tenth of a degree a SET may carry (`target`'s range and step), or null.
 * Read by parseDecimalInput, the app's one reader of typed numbers: "21", "21.5", "21,5" as a comma-decimal keyboard
 * types it; no "+21" or "21."; nothing else a number parser would take ("0x17", "2.3e1", "Infinity").
 */
export function parseTemperatureText(text: string): number | null {
  // Stricter than a general number: no "+" before a temperature and no separator left dangling after it ("23.").
  if (/^\s*\+|[.,]\s*$/.test(text)) return null;
  const value = parseDecimalInput(text);
  return value === null ? null : settingValue('target', value);
}
