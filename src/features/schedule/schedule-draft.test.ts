import { describe, expect, it } from 'vitest';
import { EMPTY_SCHEDULE, parseSchedule, type WeekSchedule } from '@protocol';
import {
  addPoint,
  copyMonday,
  draftOf,
  parseTemperatureText,
  parseTimeText,
  readDraft,
  removePoint,
  TEMPERATURE_PROBLEM,
  TIME_PROBLEM,
  type DraftWeek,
} from './schedule-draft';

const WEEK: WeekSchedule = [[[390, 21], [510, 17], [1020, 21], [1350, 17]], [], [], [], [], [[480, 21], [1380, 17]], []];

const withDay = (draft: DraftWeek, day: number, points: [string, string][]): DraftWeek =>
  draft.map((existing, index) => (index === day ? points.map(([time, temperature], key) => ({ key: 1000 + key, time, temperature })) : existing));

describe('schedule draft', () => {
  it('reads back the schedule it was made from', () => {
    expect(readDraft(draftOf(WEEK))).toEqual({ schedule: WEEK });
    expect(readDraft(draftOf(EMPTY_SCHEDULE))).toEqual({ schedule: EMPTY_SCHEDULE });
  });

  it.each([
    ['21', 21],
    ['21.5', 21.5],
    ['15,5', 15.5],
    [' 5 ', 5],
    ['30.0', 30],
    ['19.50', 19.5],
  ])('reads the temperature "%s" as %d', (text, celsius) => {
    expect(parseTemperatureText(text)).toBe(celsius);
  });

  it.each(['', '4.9', '30.1', '21.05', '21.5.1', '-5', 'abc', '1e1', '21,,5'])('refuses the temperature "%s"', (text) => {
    expect(parseTemperatureText(text)).toBeNull();
  });

  it.each([
    ['00:00', 0],
    ['06:30', 390],
    ['23:59', 1439],
    ['7:05', 425],
    ['06:30:00', 390],
  ])('reads the time "%s" as minute %d', (text, minute) => {
    expect(parseTimeText(text)).toBe(minute);
  });

  it.each(['', '24:00', '12:60', '0630', '06:30:15'])('refuses the time "%s"', (text) => {
    expect(parseTimeText(text)).toBeNull();
  });

  it('sorts each day by time and gives every temperature as its tenth', () => {
    const draft = withDay(draftOf(EMPTY_SCHEDULE), 2, [
      ['22:00', '17'],
      ['06:30', '20,5'],
    ]);
    const read = readDraft(draft);
    expect(read).toEqual({ schedule: [[], [], [[390, 20.5], [1320, 17]], [], [], [], []] });
    // What the editor sends is what a SET may carry.
    if ('schedule' in read) expect(parseSchedule(read.schedule).ok).toBe(true);
  });

  it('puts each problem at its field: a bad time, a bad temperature, a second switch point at the same time', () => {
    const draft = withDay(draftOf(EMPTY_SCHEDULE), 0, [
      ['06:30', '21'],
      ['', '21'],
      ['06:30', '35'],
    ]);
    expect(readDraft(draft)).toEqual({
      problems: [
        { day: 0, key: 1001, field: 'time', message: TIME_PROBLEM },
        { day: 0, key: 1002, field: 'time', message: 'Monday already has a switch point at 06:30.' },
        { day: 0, key: 1002, field: 'temperature', message: TEMPERATURE_PROBLEM },
      ],
    });
  });

  it('adds at most six switch points a day, each an hour after the last', () => {
    let draft = withDay(draftOf(EMPTY_SCHEDULE), 4, [['22:30', '18.5']]);
    draft = addPoint(draft, 4);
    expect(draft[4]?.[1]).toMatchObject({ time: '23:30', temperature: '18.5' });
    for (let i = 0; i < 10; i += 1) draft = addPoint(draft, 4);
    expect(draft[4]).toHaveLength(6);
    // Past 23:59 a new row takes the latest minute the day does not have: the quick "add" stays valid.
    expect(draft[4]?.map((point) => point.time)).toEqual(['22:30', '23:30', '23:59', '23:58', '23:57', '23:56']);
    expect('schedule' in readDraft(draft)).toBe(true);
    expect(addPoint(draftOf(EMPTY_SCHEDULE), 6)[6]).toMatchObject([{ time: '07:00', temperature: '21.0' }]);
  });

  it('removes the switch point asked for and no other', () => {
    const draft = draftOf(WEEK);
    const second = draft[0]?.[1];
    expect(second).toBeDefined();
    const read = readDraft(removePoint(draft, 0, second?.key ?? -1));
    expect(read).toEqual({ schedule: [[[390, 21], [1020, 21], [1350, 17]], [], [], [], [], [[480, 21], [1380, 17]], []] });
  });

  it('copies Monday to the weekdays or to every day', () => {
    const monday = WEEK[0] ?? [];
    expect(readDraft(copyMonday(draftOf(WEEK), 'weekdays'))).toEqual({ schedule: [monday, monday, monday, monday, monday, WEEK[5], []] });
    expect(readDraft(copyMonday(draftOf(WEEK), 'every-day'))).toEqual({ schedule: Array.from({ length: 7 }, () => monday) });
    // Copies are rows of their own: their keys differ from Monday's, so editing one leaves the others alone.
    const copied = copyMonday(draftOf(WEEK), 'every-day');
    expect(new Set(copied.flat().map((point) => point.key)).size).toBe(28);
  });
});
