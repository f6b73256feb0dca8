/** Longer than any number a form here asks for: a pasted essay is refused before it is looked at. */
const MAX_INPUT_LENGTH = 32;

/** The character `locale` groups thousands with ("," in en, "." in de, a narrow space in fr), or null when it has none. */
function groupSeparatorOf(locale: string | undefined): string | null {
  try {
    return new Intl.NumberFormat(locale).formatToParts(10_000).find((part) => part.type === 'group')?.value ?? null;
  } catch {
    return null;
  }
}

/**
 * A decimal number typed by a person, or null when the text is not one. Either separator is the decimal point,
 * whatever the locale: "15,5" and "15.5" both mean 15.5, never 155. Refused rather than guessed: anything with
 * two separators ("1.000,5"), exponents, hex, "Infinity", and a locale's thousands separator followed by exactly
 * three digits ("1,000" in en, "1.000" in de), which its reader may mean as a thousand. A leading "-" or "−" is a
 * minus. Empty text is null too: callers that allow an empty field check for it first.
 */
export function parseDecimalInput(text: string, locale: string | undefined = undefined): number | null {
  if (text.length > MAX_INPUT_LENGTH) return null;
  const found = /^([-−+]?)(\d*)(?:([.,])(\d*))?$/.exec(text.trim());
  if (found === null) return null;
  const [, sign = '', whole = '', separator, fraction = ''] = found;
  if (whole === '' && fraction === '') return null;
  if (separator !== undefined && separator === groupSeparatorOf(locale) && whole !== '' && fraction.length === 3) return null;
  const value = Number(`${whole === '' ? '0' : whole}.${fraction === '' ? '0' : fraction}`);
  if (!Number.isFinite(value)) return null;
  return sign === '-' || sign === '−' ? -value : value;
}
