import { describe, expect, it } from 'vitest';
import { awayUntilFields, boostFields, defaultBoostSetpoint } from './override-fields';
import { thermostatZone } from './thermostat-time';

const utc = (text: string) => Date.parse(text) / 1000;
const CET = thermostatZone('CET-1CEST,M3.5.0,M10.5.0/3');
const NOW = utc('2026-12-02T08:00:00Z');

describe('a boost as the contract allows it', () => {
  it('offers two degrees above what is held, within the range', () => {
    expect(defaultBoostSetpoint(20.5, 21)).toBe(22.5);
    expect(defaultBoostSetpoint(null, 21)).toBe(23);
    expect(defaultBoostSetpoint(29.5, 21)).toBe(30);
  });

  it('takes a temperature on the 0.1 step, with a comma too', () => {
    expect(boostFields('23', 60)).toEqual({ ok: true, fields: { boost: { setpoint: 23, minutes: 60 } } });
    expect(boostFields('22,5', 30)).toEqual({ ok: true, fields: { boost: { setpoint: 22.5, minutes: 30 } } });
  });

  it.each([['30.1'], ['4.9'], ['21.25'], [''], ['warm'], ['0x17'], ['2.3e1'], ['+23'], ['23.']])('refuses %j', (text) => {
    expect(boostFields(text, 60)).toEqual({ ok: false, problem: 'The boost temperature must be 5 to 30 °C, in steps of 0.1 °C.' });
  });

  it('refuses a length outside 5 to 720 minutes', () => {
    expect(boostFields('23', 721)).toEqual({ ok: false, problem: 'A boost lasts 5 to 720 minutes.' });
    expect(boostFields('23', 4)).toMatchObject({ ok: false });
  });
});

describe('an away-until as the contract allows it', () => {
  it('reads the time in the thermostat’s zone', () => {
    expect(awayUntilFields(CET, '2026-12-06T18:00', 90, NOW)).toEqual({
      ok: true,
      fields: { away_until: { until: utc('2026-12-06T17:00:00Z'), preheat_minutes: 90 } },
    });
  });

  it.each([
    ['an empty field', '', 'Enter the date and time you will be back.'],
    ['a time already past', '2026-12-02T08:59', 'Choose a time that is still to come.'],
    ['the very moment now', '2026-12-02T09:00', 'Choose a time that is still to come.'],
    ['a time more than 366 days ahead', '2027-12-04T09:00', 'Choose a time at most 366 days ahead.'],
    ['a time the clocks skip', '2027-03-28T02:30', 'The clocks go forward then, so that time never comes. Choose another.'],
  ])('refuses %s', (_name, text, problem) => {
    expect(awayUntilFields(CET, text, 0, NOW)).toEqual({ ok: false, problem });
  });

  it('takes a time just within 366 days', () => {
    expect(awayUntilFields(CET, '2027-12-03T09:00', 0, NOW)).toMatchObject({ ok: true, fields: { away_until: { until: NOW + 366 * 86_400 } } });
  });

  it('refuses a warm-up longer than 720 minutes', () => {
    expect(awayUntilFields(CET, '2026-12-06T18:00', 721, NOW)).toEqual({ ok: false, problem: 'The warm-up lasts 0 to 720 minutes.' });
  });
});
