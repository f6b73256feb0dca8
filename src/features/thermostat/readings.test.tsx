import { render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HEAT_REASONS, SETPOINT_SOURCES, type StateMessage } from '@protocol';
import { TestThermostat } from '@/lib/link/testing/test-thermostat';
import { Readings } from './readings';

function showReadings(overrides: Partial<StateMessage>) {
  render(<Readings state={new TestThermostat().stateMessage(overrides)} receivedAt={Date.now()} reach="live" />);
}

describe('readings: what the thermostat holds and why', () => {
  it('shows the away temperature it holds, not the comfort target, and why the heater still runs', () => {
    // The complaint of issue 11: Away showed 20.0 °C and "Heater: On" at 20.4 °C with nothing to say why.
    showReadings({
      mode: 'away',
      regime: 'away',
      target: 20,
      away_target: 16,
      temperature: 20.4,
      heater: true,
      setpoint: 16,
      setpoint_source: 'away',
      heat_reason: 'min_on_hold',
    });
    expect(screen.getByLabelText('Holding')).toHaveTextContent('Holding 16.0 °C · away');
    expect(screen.getByLabelText('Heater')).toHaveTextContent('On');
    expect(screen.getByLabelText('Heater')).toHaveAccessibleDescription('Heating: kept on for its minimum run of 1 minute');
    expect(screen.getByLabelText('Why this set point')).toHaveTextContent('Using the away temperature: mode Away, set by hand');
  });

  it('names the comfort target at home', () => {
    showReadings({ regime: 'home', target: 21.5, temperature: 21.06, setpoint: 21.5, setpoint_source: 'comfort', heater: true, heat_reason: 'below_band' });
    expect(screen.getByLabelText('Holding')).toHaveTextContent('Holding 21.5 °C · comfort');
    expect(screen.getByLabelText('Heater')).toHaveAccessibleDescription('Heating: 0.4 °C below the set point');
  });

  it('says frost protection runs the heater', () => {
    showReadings({ temperature: 4.8, setpoint: 5, setpoint_source: 'frost', heater: true, heat_reason: 'frost' });
    expect(screen.getByLabelText('Holding')).toHaveTextContent('Holding 5.0 °C · frost protection');
    expect(screen.getByLabelText('Heater')).toHaveAccessibleDescription('Heating: frost protection, the room is below 5 °C');
    expect(screen.getByLabelText('Why this set point')).toHaveTextContent('Frost protection: the room is below 5 °C');
  });

  it('says nothing is held and the heater is off because the sensor failed', () => {
    showReadings({
      sensor_ok: false,
      temperature: null,
      humidity: null,
      pressure: null,
      heater: false,
      setpoint: null,
      setpoint_source: 'none',
      heat_reason: 'no_reading',
    });
    expect(screen.getByLabelText('Holding')).toHaveTextContent('Holding nothing: heater held off');
    expect(screen.getByLabelText('Heater')).toHaveTextContent('Off');
    expect(screen.getByLabelText('Heater')).toHaveAccessibleDescription('Not heating: no good reading from the sensor');
  });

  it.each(HEAT_REASONS)('puts heat reason %s in words', (reason) => {
    showReadings({ heater: false, heat_reason: reason });
    expect(screen.getByLabelText('Heater')).toHaveAccessibleDescription(/^Not heating: [a-z0-9][a-z0-9 ,.°C]+$/);
  });

  it.each(SETPOINT_SOURCES.filter((source) => source !== 'none'))('puts setpoint source %s in words', (source) => {
    showReadings({ setpoint: 18, setpoint_source: source });
    expect(screen.getByLabelText('Holding')).toHaveTextContent(/^Holding 18\.0 °C · [a-z][a-z ]+$/);
  });

  it('says in plain words why the heater stays as it is inside the switching margin, and what an away regime holds', () => {
    showReadings({ mode: 'auto', regime: 'away', members: [], away_target: 16, temperature: 16.1, setpoint: 16, setpoint_source: 'away', heater: true, heat_reason: 'in_band', hysteresis: 0.3 });
    expect(screen.getByLabelText('Heater')).toHaveAccessibleDescription('Heating: 0.1 °C above the set point, within the switching margin of 0.3 °C');
    expect(screen.getByLabelText('Why this set point')).toHaveTextContent('Using the away temperature: everyone is away');
  });

  it('says who is home when the comfort temperature holds', () => {
    showReadings({
      mode: 'auto',
      regime: 'home',
      setpoint_source: 'comfort',
      members: [{ id: 'AnaAnaAnaAnaAnaAnaAnaA', name: 'Ana', home: true, distance: 10, age_s: 5, source: 'app' }],
    });
    expect(screen.getByLabelText('Why this set point')).toHaveTextContent('Using the comfort temperature: Ana is home');
  });

  it('shows a dash before any STATE', () => {
    render(<Readings state={null} receivedAt={null} reach="live" />);
    expect(screen.getByLabelText('Holding')).toHaveTextContent('—');
    expect(screen.getByLabelText('Heater')).not.toHaveAccessibleDescription();
  });
});

describe('readings: the source in words and what comes next, on the thermostat’s clock', () => {
  // Wednesday 2 December 2026, 09:00 in Berlin, 03:00 in New York: a whole second, as useNow rounds up.
  const T0 = Date.UTC(2026, 11, 2, 8) / 1000;
  const CET = 'CET-1CEST,M3.5.0,M10.5.0/3';
  const WEDNESDAY = (points: [number, number][]) => [[], [], points, [], [], [], []];
  const known = { time: T0, clock: 'sntp' } as const;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0 * 1000);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('names the away-until before the mode, as the table orders them', () => {
    showReadings({ ...known, time_zone: CET, mode: 'away', regime: 'away', setpoint: 16, setpoint_source: 'away', away_until: { until: T0 + 9 * 3600, preheat_minutes: 60 } });
    expect(screen.getByLabelText('Why this set point')).toHaveTextContent('Using the away temperature: away until 18:00');
  });

  it('says the house warms up for the return once the away-until’s warm-up starts', () => {
    showReadings({ ...known, time_zone: CET, mode: 'auto', regime: 'home', setpoint: 21, setpoint_source: 'comfort', members: [], away_until: { until: T0 + 3600, preheat_minutes: 90 } });
    expect(screen.getByLabelText('Why this set point')).toHaveTextContent('Warming up for your return at 10:00');
  });

  it('counts as home only reports younger than the 12 h the thermostat trusts', () => {
    const member = { id: 'AnaAnaAnaAnaAnaAnaAnaA', name: 'Ana', home: true, distance: 10, source: 'app' } as const;
    showReadings({ ...known, time_zone: CET, mode: 'auto', regime: 'home', setpoint_source: 'comfort', members: [{ ...member, age_s: 43_200 }] });
    expect(screen.getByLabelText('Why this set point')).not.toHaveTextContent('Ana is home');
    expect(screen.getByLabelText('Why this set point')).toHaveTextContent('Using the comfort temperature: no report from the last 12 h says everyone is away');
  });

  it('says the schedule holds and when it next switches, in the thermostat’s zone', () => {
    showReadings({ ...known, time_zone: CET, schedule: WEDNESDAY([[390, 21], [1320, 17]]) });
    expect(screen.getByLabelText('Holding')).toHaveTextContent('Holding 21.0 °C · schedule');
    expect(screen.getByLabelText('Next change')).toHaveTextContent('Next: 17.0 °C at 22:00 · schedule');
  });

  it('reads the same schedule on a thermostat in New York, whatever this browser’s zone', () => {
    showReadings({ ...known, time_zone: 'EST5EDT,M3.2.0,M11.1.0', schedule: WEDNESDAY([[390, 21], [1320, 17]]) });
    expect(screen.getByLabelText('Holding')).toHaveTextContent('Holding 17.0 °C · schedule');
    expect(screen.getByLabelText('Next change')).toHaveTextContent('Next: 21.0 °C at 06:30 · schedule');
  });

  it('names the day of a change that is not today', () => {
    showReadings({ ...known, time_zone: CET, schedule: [[], [], [], [[420, 22], [1320, 17]], [], [], []] });
    expect(screen.getByLabelText('Next change')).toHaveTextContent('Next: 22.0 °C at Thu 07:00 · schedule');
  });

  it('says a boost holds and what follows its end', () => {
    showReadings({ ...known, time_zone: CET, boost: { setpoint: 23, until: T0 + 5400 } });
    expect(screen.getByLabelText('Holding')).toHaveTextContent('Holding 23.0 °C · boost');
    expect(screen.getByLabelText('Why this set point')).toHaveTextContent('Boost until 10:30');
    expect(screen.getByLabelText('Next change')).toHaveTextContent('Next: 21.0 °C at 10:30 · comfort');
  });

  it('says a hold is by hand', () => {
    showReadings({ ...known, time_zone: CET, schedule: WEDNESDAY([[390, 21], [1320, 17]]), manual: { setpoint: 22, until: T0 + 13 * 3600 } });
    expect(screen.getByLabelText('Holding')).toHaveTextContent('Holding 22.0 °C · held by hand');
    expect(screen.getByLabelText('Next change')).toHaveTextContent('Next: 17.0 °C at 22:00 · schedule');
  });

  it('shows times in UTC, and says so, on a thermostat without a time zone', () => {
    showReadings({ ...known, boost: { setpoint: 23, until: T0 + 5400 } });
    expect(screen.getByLabelText('Next change')).toHaveTextContent('Next: 21.0 °C at 09:30 UTC · comfort');
  });

  it('says the thermostat does not know the time yet, rather than a next change', () => {
    showReadings({ time: null, clock: null, time_zone: CET, schedule: WEDNESDAY([[390, 21], [1320, 17]]) });
    expect(screen.getByLabelText('Holding')).toHaveTextContent('Holding 21.0 °C · comfort');
    expect(screen.getByLabelText('Next change')).toHaveTextContent('The thermostat does not know the time yet: no schedule, boost or away-until runs until it does.');
  });

  it('says nothing of a next change when none is due', () => {
    showReadings({ ...known, time_zone: CET });
    expect(screen.queryByLabelText('Next change')).toBeNull();
  });
});

describe('readings: how fresh, in a look and in words', () => {
  it('looks current and says when it was updated while live', () => {
    render(<Readings state={new TestThermostat().stateMessage({ temperature: 21.36 })} receivedAt={Date.now()} reach="live" />);
    expect(screen.getByRole('region', { name: 'Readings' })).not.toHaveClass('is-stale');
    expect(screen.getByLabelText('Last update')).toHaveTextContent('Updated just now');
    expect(screen.getByLabelText('Current temperature')).not.toHaveAccessibleDescription();
  });

  it.each([
    ['thermostat-offline', 'thermostat offline'],
    ['not-answering', 'thermostat not answering'],
    ['broker-unreachable', 'cannot reach the broker'],
    ['no-network', 'no network on this device'],
    ['checking', 'checking the thermostat'],
  ] as const)('looks old and says why when %s', (reach, words) => {
    render(<Readings state={new TestThermostat().stateMessage({ temperature: 21.36 })} receivedAt={Date.now() - 3 * 60_000} reach={reach} />);
    expect(screen.getByRole('region', { name: 'Readings' })).toHaveClass('is-stale');
    expect(screen.getByLabelText('Last update')).toHaveTextContent(`Last heard 3 min ago — ${words}`);
    // The old number is read out with its age, not as if it were the room now.
    expect(screen.getByLabelText('Current temperature')).toHaveAccessibleDescription(`Last heard 3 min ago — ${words}`);
  });

  it('puts what was held and heating in the past tense when not live, each described by its age and why', () => {
    const state = new TestThermostat().stateMessage({ temperature: 19, heater: true, setpoint: 21, setpoint_source: 'comfort', heat_reason: 'below_band' });
    render(<Readings state={state} receivedAt={Date.now() - 3 * 60_000} reach="thermostat-offline" />);
    const why = 'Last heard 3 min ago — thermostat offline';
    expect(screen.getByLabelText('Holding')).toHaveTextContent(/^Was holding 21\.0 °C · comfort$/);
    expect(screen.getByLabelText('Holding')).toHaveAccessibleDescription(why);
    expect(screen.getByText('Was heating when last heard 3 min ago')).toHaveAccessibleDescription(why);
    expect(screen.getByLabelText('Heater')).toHaveTextContent(/^Was on$/);
    expect(screen.getByLabelText('Heater')).toHaveAccessibleDescription(why);
    expect(screen.queryByText(/^Heating:/)).toBeNull();
  });
});
