import { describe, expect, it } from 'vitest';
import { LABEL_GAP_PX, timeAxisSpace, valueAxisSize } from './history-axis';
import { historyTimes } from './history-time';
import { utc, zone } from './testing/zones';

const BERLIN = zone('CET-1CEST,M3.5.0,M10.5.0/3');
/** A font of 7 px a character, as jsdom has no canvas to measure with. */
const sevenPx = (text: string) => 7 * text.length;

describe('timeAxisSpace', () => {
  it('keeps ticks a week apart wide enough for the longest day name of the week and a gap', () => {
    const times = historyTimes(BERLIN, 'en-GB');
    const space = timeAxisSpace(times, sevenPx, utc('2026-11-25T15:50:00Z'), utc('2026-12-02T15:50:00Z'));
    // "Thu 26 Nov" is among the widest names; "Wed 2 Dec" is narrower.
    expect(space).toBe(7 * 'Thu 26 Nov'.length + LABEL_GAP_PX);
  });

  it('makes room for a 12-hour clock when it is wider than the days', () => {
    const times = historyTimes(BERLIN, 'en-US');
    const wide = (text: string) => (/[AP]M/.test(text) ? 20 * text.length : sevenPx(text));
    const space = timeAxisSpace(times, wide, utc('2026-12-01T15:50:00Z'), utc('2026-12-02T15:50:00Z'));
    expect(space).toBe(20 * '4:50 PM'.length + LABEL_GAP_PX);
  });

  it('measures no more than a month of days, whatever the scale', () => {
    const times = historyTimes(BERLIN, 'en-GB');
    let measured = 0;
    timeAxisSpace(times, (text) => (measured += 1) && text.length, 0, utc('2026-12-02T00:00:00Z'));
    expect(measured).toBeLessThanOrEqual(34);
  });
});

describe('valueAxisSize', () => {
  it('is its widest label and the gap', () => {
    expect(valueAxisSize(['18°', '20°', '22.5°'], sevenPx, 12)).toBe(7 * 5 + 12);
  });

  it('is the gap alone before uPlot has labels', () => {
    expect(valueAxisSize(null, sevenPx, 12)).toBe(12);
  });
});
