import { describe, expect, it } from 'vitest';
import { ambiguousDecimalProblem, parseDecimalInput } from './decimal-input';

describe('parseDecimalInput', () => {
  it('reads a comma and a point alike as the decimal point, never as a thousands separator', () => {
    expect(parseDecimalInput('15,5', 'en-GB')).toBe(15.5);
    expect(parseDecimalInput('15.5', 'en-GB')).toBe(15.5);
    expect(parseDecimalInput('15,5', 'de-DE')).toBe(15.5);
    expect(parseDecimalInput('15.5', 'de-DE')).toBe(15.5);
    expect(parseDecimalInput(' 0,25 ', 'fr-FR')).toBe(0.25);
  });

  it('reads whole numbers, a bare fraction, a trailing separator and a minus', () => {
    expect(parseDecimalInput('21')).toBe(21);
    expect(parseDecimalInput(',5', 'de-DE')).toBe(0.5);
    expect(parseDecimalInput('16.', 'en-GB')).toBe(16);
    expect(parseDecimalInput('-33.8688', 'en-GB')).toBe(-33.8688);
    expect(parseDecimalInput('−0,5', 'de-DE')).toBe(-0.5);
    expect(parseDecimalInput('+2.294351', 'en-GB')).toBe(2.294351);
  });

  it("refuses what the locale's reader may mean as thousands rather than guessing", () => {
    expect(parseDecimalInput('1,000', 'en-GB')).toBeNull();
    expect(parseDecimalInput('1.000', 'de-DE')).toBeNull();
    // The other separator is the locale's decimal point: no doubt.
    expect(parseDecimalInput('1.000', 'en-GB')).toBe(1);
    expect(parseDecimalInput('1,000', 'de-DE')).toBe(1);
  });

  it('refuses anything else a number parser would take', () => {
    for (const text of ['', ' ', '.', '-', '1.000,5', '1,2,3', '1e3', '0x17', 'Infinity', 'NaN', '15 °C', '١٥', '1 000', '--1']) {
      expect(parseDecimalInput(text, 'en-GB'), text).toBeNull();
    }
  });

  it('refuses text longer than any number a form asks for', () => {
    expect(parseDecimalInput('1'.repeat(33))).toBeNull();
    expect(parseDecimalInput(`0.${'1'.repeat(30)}`)).toBeCloseTo(0.111, 3);
  });
});

describe('ambiguousDecimalProblem', () => {
  it("says why a number that may mean thousands was refused, and what to type in the locale's decimal", () => {
    expect(ambiguousDecimalProblem('2,294', 'en-GB')).toBe('A comma between digits may mean thousands here: for a decimal, use a point: 2.294.');
    expect(ambiguousDecimalProblem('-2.294', 'de-DE')).toBe('A point between digits may mean thousands here: for a decimal, use a comma: -2,294.');
  });

  it('says nothing of text that is read, or refused for another reason', () => {
    for (const text of ['2.294', '2,29', '2,2945', 'far', '1.000,5']) expect(ambiguousDecimalProblem(text, 'en-GB'), text).toBeNull();
  });
});
