import { describe, expect, it } from 'vitest';
import { parseTimeZone } from '@protocol';
import { legendIndex, legendTexts } from './history-legend';
import { historyTimes } from './history-time';

const T0 = Date.parse('2026-12-02T12:00:00Z') / 1000;

describe('legendIndex', () => {
  const data = [
    [T0, T0 + 600, T0 + 1200, T0 + 1800],
    [20, 20.5, null, null],
    [21, 21, null, null],
    [0, 0.5, null, null],
  ];

  it('is the slot under the cursor, known or not', () => {
    expect(legendIndex(data, 2)).toBe(2);
  });

  it('is the last slot anything is known of while no cursor is on the chart', () => {
    expect(legendIndex(data, null)).toBe(1);
    expect(legendIndex([[T0], [null], [null], [null]], null)).toBeNull();
  });
});

describe('legendTexts', () => {
  const utc0 = parseTimeZone('UTC0');
  if (utc0 === null) throw new Error('UTC0');

  it('says each value in words, and "no record" where there is none, never a dash', () => {
    const words = legendTexts(historyTimes(utc0, 'en-GB'));
    expect(words.time(T0)).toBe('Wed 2 Dec, 12:00');
    expect(words.temperature(20.54)).toBe('20.5 °C');
    expect(words.heater(0.6)).toBe('6 of 10 min');
    expect([words.time(null), words.temperature(null), words.heater(undefined)]).toEqual(['no record', 'no record', 'no record']);
  });

  it('says the time in the browser’s locale', () => {
    expect(legendTexts(historyTimes(utc0, 'en-US')).time(T0)).toBe('Wed, Dec 2, 12:00 PM');
  });
});
