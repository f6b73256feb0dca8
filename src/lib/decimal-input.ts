/** Longer than any number a form here asks for: a pasted essay is refused before it is looked at (and a field's maxLength). */
export const MAX_DECIMAL_INPUT_LENGTH = 32;

/** The character `locale` groups thousands with ("," in en, "." in de, a narrow space in fr), or null when it has none. */
function groupSeparatorOf(locale: string | undefined): string | null {
  return separatorOf(locale, 'group');
}

function separatorOf(locale: string | undefined, type: 'group' | 'decimal'): string | null {
  try {
    return new Intl.NumberFormat(locale).formatToParts(10_000.5).find((part) => part.type === type)?.value ?? null;
  } catch {
    return null;
  }
}

const AMBIGUOUS = /^([-−+]?)(\d+)([.,])(\d{3})$/;

/**
 * Why `text` was refused when it is a number the locale's reader may mean as thousands ("2,294" in en), saying what to
 * type for the decimal instead ("use a point: 2.294"); null for any other text.
 */
export function ambiguousDecimalProblem(text: string, locale: string | undefined = undefined): string | null {
  const found = AMBIGUOUS.exec(text.trim());
  if (found === null || found[3] !== groupSeparatorOf(locale)) return null;
  const decimal = separatorOf(locale, 'decimal') === ',' ? ',' : '.';
  const [, sign = '', whole = '', , fraction = ''] = found;
  const named = found[3] === ',' ? 'A comma' : 'A point';
  return `${named} between digits may mean thousands here: for a decimal, use ${decimal === ',' ? 'a comma' : 'a point'}: ${sign}${whole}${decimal}${fraction}.`;
}

/**
 * A decimal number typed by a person, or null when the text is not one. Either separator is the decimal point,
 * whatever the locale: "15,5" and "15.5" both mean 15.5, never 155. Refused rather than guessed: anything with
 * two separators ("1.000,5"), exponents, hex, "Infinity", and a locale's thousands separator followed by exactly
 * three digits ("1,000" in en, "1.000" in de), which its reader may mean as a thousand. A leading "-" or "−" is a
 * minus. Empty text is null too: callers that allow an empty field check for it first.
 */
export function parseDecimalInput(text: string, locale: string | undefined = undefined): number | null {
  if (text.length > MAX_DECIMAL_INPUT_LENGTH) return null;
  const found = /^([-−+]?)(\d*)(?:([.,])(\d*))?$/.exec(text.trim());
  if (found === null) return null;
  const [, sign = '', whole = '', separator, fraction = ''] = found;
  if (whole === '' && fraction === '') return null;
  if (separator !== undefined && separator === groupSeparatorOf(locale) && whole !== '' && fraction.length === 3) return null;
  const value = Number(`${whole === '' ? '0' : whole}.${fraction === '' ? '0' : fraction}`);
  if (!Number.isFinite(value)) return null;
  return sign === '-' || sign === '−' ? -value : value;
}
