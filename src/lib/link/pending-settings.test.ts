import { describe, expect, it } from 'vitest';
import { EMPTY_SCHEDULE, type SetFields, type StateMessage } from '@protocol';
import { unconfirmedBy, withSet } from './pending-settings';
import { TestThermostat } from './testing/test-thermostat';

const T0 = 1_796_108_400;
const SCHEDULE = [[[390, 21], [1350, 17]], [], [], [], [], [], []] as const;

const state = (overrides: Partial<StateMessage>) => new TestThermostat().stateMessage({ time: T0, clock: 'sntp', ...overrides });

describe('unconfirmedBy: the STATE that shows a SET in force', () => {
  it.each<[string, SetFields, Partial<StateMessage>, boolean]>([
    ['a target within a hundredth', { target: 21.5 }, { target: 21.499 }, true],
    ['another target', { target: 21.5 }, { target: 21.4 }, false],
    ['the mode', { mode: 'away' }, { mode: 'away' }, true],
    ['the time zone', { time_zone: 'CET-1CEST,M3.5.0,M10.5.0/3' }, { time_zone: 'CET-1CEST,M3.5.0,M10.5.0/3' }, true],
    ['no time zone yet', { time_zone: 'CET-1CEST,M3.5.0,M10.5.0/3' }, { time_zone: null }, false],
    ['the schedule', { schedule: SCHEDULE }, { schedule: [[[390, 21.000001], [1350, 17]], [], [], [], [], [], []] }, true],
    ['another schedule', { schedule: SCHEDULE }, { schedule: EMPTY_SCHEDULE }, false],
    ['a schedule with a minute moved', { schedule: SCHEDULE }, { schedule: [[[391, 21], [1350, 17]], [], [], [], [], [], []] }, false],
    ['a hold at its set point', { manual: 22 }, { manual: { setpoint: 22, until: T0 + 600 } }, true],
    ['a hold at another set point', { manual: 22 }, { manual: { setpoint: 21, until: T0 + 600 } }, false],
    ['no hold yet', { manual: 22 }, { manual: null }, false],
    ['a hold ended', { manual: null }, { manual: null }, true],
    ['a hold not ended yet', { manual: null }, { manual: { setpoint: 22, until: null } }, false],
    ['a boost at its set point', { boost: { setpoint: 23, minutes: 60 } }, { boost: { setpoint: 23, until: T0 + 3600 } }, true],
    ['no boost yet', { boost: { setpoint: 23, minutes: 60 } }, { boost: null }, false],
    ['a boost ended', { boost: null }, { boost: null }, true],
    ['a boost still running', { boost: null }, { boost: { setpoint: 23, until: T0 + 3600 } }, false],
    ['an away-until', { away_until: { until: T0 + 86_400, preheat_minutes: 30 } }, { away_until: { until: T0 + 86_400, preheat_minutes: 30 } }, true],
    ['an away-until with another warm-up', { away_until: { until: T0 + 86_400, preheat_minutes: 30 } }, { away_until: { until: T0 + 86_400, preheat_minutes: 0 } }, false],
    ['an away-until ended', { away_until: null }, { away_until: null }, true],
    ['one of two fields', { target: 22, boost: null }, { target: 22, boost: { setpoint: 23, until: T0 + 3600 } }, false],
  ])('%s', (_name, pending, shown, expected) => {
    expect(unconfirmedBy(pending, state(shown)) === null).toBe(expected);
  });

  it('judges each field on its own, leaving pending only those the STATE does not show', () => {
    const pending: SetFields = { target: 22, boost: { setpoint: 23, minutes: 60 }, manual: 22 };
    expect(unconfirmedBy(pending, state({ target: 21, boost: { setpoint: 23, until: T0 + 3600 }, manual: null }))).toEqual({ target: 22, manual: 22 });
    expect(unconfirmedBy(pending, state({ target: 21, boost: null, manual: null }))).toBe(pending);
  });
});

describe('withSet: what is pending once another SET goes out', () => {
  it.each<[string, SetFields, SetFields, SetFields]>([
    ['adds and replaces fields', { target: 21, boost: null }, { target: 22, hysteresis: 0.5 }, { target: 22, boost: null, hysteresis: 0.5 }],
    ['a mode ends a pending hold', { manual: 22, target: 21 }, { mode: 'away' }, { target: 21, mode: 'away' }],
    ['a schedule ends a pending hold', { manual: 22 }, { schedule: SCHEDULE }, { schedule: SCHEDULE }],
    ['a time zone, even none, ends a pending hold', { manual: 22 }, { time_zone: null }, { time_zone: null }],
    ['a pending end of a hold is ended too', { manual: null }, { mode: 'home' }, { mode: 'home' }],
    ['a SET with a hold of its own keeps that one', { manual: 22 }, { mode: 'home', manual: 23 }, { mode: 'home', manual: 23 }],
    ['other fields keep the hold', { manual: 22 }, { target: 21, boost: null }, { manual: 22, target: 21, boost: null }],
  ])('%s', (_name, pending, sent, expected) => {
    expect(withSet(pending, sent)).toEqual(expected);
  });

  it('starts from nothing pending', () => {
    expect(withSet(null, { mode: 'away' })).toEqual({ mode: 'away' });
  });
});
