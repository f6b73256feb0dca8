import { act, fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StateMessage, WeekSchedule } from '@protocol';
import { CommandsContext } from '@/lib/link/commands-context';
import { isSetRefusal } from '@/lib/link/link-status';
import { TestThermostat } from '@/lib/link/testing/test-thermostat';
import * as posixTimeZone from '@/lib/time-zone/posix-time-zone';
import { appStore } from '@/stores/app-store';
import { storeCommands } from '@/stores/testing/store-commands';
import { ScheduleCard } from './schedule-card';

// Every derivation the card and its editor ask for, passed through to the real one.
const derivations = vi.hoisted(() => vi.fn<(zone: string, now: Date) => void>());
vi.mock('@/lib/time-zone/posix-time-zone', async (importOriginal) => {
  const actual = await importOriginal<typeof posixTimeZone>();
  return {
    ...actual,
    posixTimeZoneFor: (zone: string, now: Date) => {
      derivations(zone, now);
      return actual.posixTimeZoneFor(zone, now);
    },
  };
});
const { posixTimeZoneFor } = posixTimeZone;

const THERMOSTAT = { id: 'Q6iTIJWV4zn_64zH2sbXMa', key: 'heDmCLojfFJ7Yc_5_3iKaddIuPY_IUa1UQn136DerAs', name: 'Living room' };
const NOW = new Date('2026-12-02T05:32:00Z');
const CLOCK = Math.floor(NOW.getTime() / 1000);
const WEEK: WeekSchedule = [[[390, 21], [510, 17], [1020, 21], [1350, 17]], [], [], [], [], [[480, 21.5], [1380, 17]], []];

const fakeCommands = () => storeCommands(appStore);

function showState(overrides: Partial<StateMessage>, { confirming = false } = {}) {
  act(() => {
    if (confirming) appStore.getState().setPendingSettingsOf(THERMOSTAT.id, null);
    // The link reads a refusal in the confirming STATE as the command's error.
    const refusal = overrides.error ?? null;
    if (confirming && isSetRefusal(refusal)) appStore.getState().setCommandErrorOf(THERMOSTAT.id, refusal);
    appStore.getState().receiveState(THERMOSTAT.id, new TestThermostat().stateMessage({ target: 20, ...overrides }), Date.now());
  });
}

function renderCard({ deviceZone = 'Europe/Berlin' }: { deviceZone?: string | null } = {}) {
  const commands = fakeCommands();
  appStore.getState().addThermostat(THERMOSTAT);
  render(
    <CommandsContext value={commands}>
      <ScheduleCard deviceZone={deviceZone} />
    </CommandsContext>,
  );
  return commands;
}

const card = () => screen.getByRole('region', { name: 'Schedule' });
const dayRow = (name: string) => within(card()).getByRole('row', { name: new RegExp(`^${name}`) });
const dialog = () => screen.getByRole('dialog', { name: 'Edit schedule' });
const day = (name: string) => within(dialog()).getByRole('group', { name });

// jsdom and user-event are slow on a busy machine: a whole edit takes a few seconds there.
describe('schedule card', { timeout: 15_000 }, () => {
  let berlin: string;
  beforeEach(() => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    vi.setSystemTime(NOW);
    berlin = posixTimeZoneFor('Europe/Berlin', NOW) ?? 'not derived';
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('shows the week from the STATE, that it runs, and in which zone', () => {
    renderCard();
    showState({ schedule: WEEK, time_zone: berlin, time: CLOCK, clock: 'sntp' });
    expect(dayRow('Monday')).toHaveTextContent('06:30 21.0 °C08:30 17.0 °C17:00 21.0 °C22:30 17.0 °C');
    expect(within(dayRow('Monday')).getAllByRole('listitem').map((item) => item.textContent)).toEqual([
      '06:30 21.0 °C',
      '08:30 17.0 °C',
      '17:00 21.0 °C',
      '22:30 17.0 °C',
    ]);
    expect(dayRow('Saturday')).toHaveTextContent('08:00 21.5 °C');
    expect(dayRow('Tuesday')).toHaveTextContent('No switch points');
    expect(card()).toHaveTextContent('Running: at home the thermostat follows these switch points.');
    expect(card()).toHaveTextContent('Times are Europe/Berlin time.');
    expect(within(card()).queryByRole('button', { name: "Use this device's time zone" })).toBeNull();
  });

  it.each([
    ['it has no switch points', { schedule: [[], [], [], [], [], [], []], time: CLOCK }, true, 'No switch points yet: it holds the comfort target, 20.0 °C, at home.'],
    ['it has no time zone', { schedule: WEEK, time: CLOCK }, false, 'Not running: the thermostat has no time zone, so it holds the comfort target, 20.0 °C, at home.'],
    ['its clock is unknown', { schedule: WEEK, time: null, clock: null }, true, 'Not running: the thermostat does not know the time yet, so it holds the comfort target, 20.0 °C, at home.'],
  ] as const)('says what the thermostat does instead when %s', (_, state, withZone, words) => {
    renderCard();
    showState({ ...state, time_zone: withZone ? berlin : null });
    expect(card()).toHaveTextContent(words);
  });

  it('says that away the thermostat holds the lower of the schedule and the away temperature', () => {
    renderCard();
    showState({ schedule: WEEK, time_zone: berlin, time: CLOCK, mode: 'away', regime: 'away', away_target: 16.5 });
    expect(card()).toHaveTextContent(
      "Running, but the house is away: the thermostat holds the lower of each switch point's temperature and the away temperature, 16.5 °C.",
    );
  });

  it('names a zone that is not this device’s by its offsets, and offers this device’s', async () => {
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    const newYork = posixTimeZoneFor('America/New_York', NOW);
    const commands = renderCard();
    showState({ schedule: WEEK, time_zone: newYork, time: CLOCK });
    expect(card()).toHaveTextContent("Times are the thermostat's local time: UTC−05:00, UTC−04:00 with daylight saving time, not this device's (Europe/Berlin).");
    await user.click(within(card()).getByRole('button', { name: "Use this device's time zone" }));
    expect(commands.sent).toEqual([{ time_zone: berlin }]);
    expect(card()).toHaveTextContent('Sending…');
  });

  it('takes a zone written otherwise but with this device’s rules as this device’s, and offers nothing to re-send', async () => {
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    const commands = renderCard();
    const berlinOtherwise = '<+01>-1<+02>,M3.5.0,M10.5.0/3';
    expect(berlinOtherwise).not.toBe(berlin);
    showState({ schedule: WEEK, time_zone: berlinOtherwise, time: CLOCK });
    expect(card()).toHaveTextContent('Times are Europe/Berlin time.');
    expect(within(card()).queryByRole('button', { name: "Use this device's time zone" })).toBeNull();
    await user.click(within(card()).getByRole('button', { name: 'Edit schedule' }));
    expect(within(dialog()).queryByRole('button', { name: "Use this device's time zone" })).toBeNull();
    await user.selectOptions(within(dialog()).getByLabelText('Time zone'), 'Europe/Berlin');
    await user.click(within(dialog()).getByRole('button', { name: 'Save schedule' }));
    expect(commands.sent).toEqual([]);
  });

  it('derives a zone’s rules when the schedule is saved, not at each zone the select passes', async () => {
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    const commands = renderCard();
    showState({ schedule: WEEK, time_zone: berlin, time: CLOCK });
    await user.click(within(card()).getByRole('button', { name: 'Edit schedule' }));
    const zone = within(dialog()).getByLabelText('Time zone');
    derivations.mockClear();
    for (const name of ['America/Bogota', 'America/Lima', 'America/Guayaquil']) await user.selectOptions(zone, name);
    expect(derivations).not.toHaveBeenCalled();
    await user.click(within(dialog()).getByRole('button', { name: 'Save schedule' }));
    expect(derivations.mock.calls.map(([name]) => name)).toEqual(['America/Guayaquil']);
    expect(commands.sent).toEqual([{ schedule: WEEK, time_zone: posixTimeZoneFor('America/Guayaquil', NOW) }]);
  });

  it('says that a running boost or hold holds for now, ahead of the switch points', () => {
    renderCard();
    showState({ schedule: WEEK, time_zone: berlin, time: CLOCK, boost: { setpoint: 23, until: CLOCK + 3600 } });
    expect(card()).toHaveTextContent('Running, but a boost holds 23.0 °C for now: the switch points take over when it ends.');
    showState({ schedule: WEEK, time_zone: berlin, time: CLOCK, manual: { setpoint: 22, until: CLOCK + 3600 } });
    expect(card()).toHaveTextContent('Running, but a hold keeps 22.0 °C for now: the switch points take over at the next one.');
  });

  it('adds a switch point, sends the whole week sorted in one SET, and is pending until the STATE shows it', async () => {
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    const commands = renderCard();
    showState({ schedule: WEEK, time_zone: berlin, time: CLOCK });
    const edit = within(card()).getByRole('button', { name: 'Edit schedule' });
    await user.click(edit);
    const tuesday = day('Tuesday');
    await user.click(within(tuesday).getByRole('button', { name: 'Add switch point' }));
    const time = within(tuesday).getByLabelText('Tuesday switch point 1 time');
    expect(time).toHaveFocus();
    fireEvent.change(time, { target: { value: '07:15' } });
    const temperature = within(tuesday).getByLabelText('Tuesday switch point 1 temperature');
    await user.clear(temperature);
    await user.type(temperature, '19,5');
    // A second one earlier in the day: the day goes out sorted.
    await user.click(within(tuesday).getByRole('button', { name: 'Add switch point' }));
    fireEvent.change(within(tuesday).getByLabelText('Tuesday switch point 2 time'), { target: { value: '05:00' } });
    await user.click(within(dialog()).getByRole('button', { name: 'Save schedule' }));

    const expected: WeekSchedule = [WEEK[0]!, [[300, 19.5], [435, 19.5]], [], [], [], WEEK[5]!, []];
    expect(commands.sent).toEqual([{ schedule: expected }]);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(edit).toHaveFocus();
    expect(card()).toHaveTextContent('Sending… the thermostat has not confirmed the schedule yet.');
    expect(dayRow('Tuesday')).toHaveTextContent('05:00 19.5 °C07:15 19.5 °C');

    showState({ schedule: expected, time_zone: berlin, time: CLOCK }, { confirming: true });
    expect(card()).not.toHaveTextContent('Sending…');
    expect(dayRow('Tuesday')).toHaveTextContent('05:00 19.5 °C07:15 19.5 °C');
  });

  it('sends this device’s zone with the schedule when the thermostat has none', async () => {
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    const commands = renderCard();
    showState({ schedule: WEEK, time_zone: null, time: null, clock: null });
    expect(card()).toHaveTextContent('The thermostat has no time zone yet.');
    await user.click(within(card()).getByRole('button', { name: 'Edit schedule' }));
    expect(within(dialog()).getByLabelText('Time zone')).toHaveValue('Europe/Berlin');
    await user.click(within(dialog()).getByRole('button', { name: 'Save schedule' }));
    expect(commands.sent).toEqual([{ schedule: WEEK, time_zone: berlin }]);
  });

  it('sends the zone picked in the editor, and nothing when nothing changed', async () => {
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    const commands = renderCard();
    showState({ schedule: WEEK, time_zone: berlin, time: CLOCK });
    await user.click(within(card()).getByRole('button', { name: 'Edit schedule' }));
    await user.click(within(dialog()).getByRole('button', { name: 'Save schedule' }));
    expect(commands.sent).toEqual([]);

    await user.click(within(card()).getByRole('button', { name: 'Edit schedule' }));
    await user.selectOptions(within(dialog()).getByLabelText('Time zone'), 'Asia/Tokyo');
    await user.click(within(dialog()).getByRole('button', { name: 'Save schedule' }));
    expect(commands.sent).toEqual([{ schedule: WEEK, time_zone: posixTimeZoneFor('Asia/Tokyo', NOW) }]);
  });

  it('refuses a zone whose rules it cannot give, at the field', async () => {
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    const commands = renderCard();
    showState({ schedule: WEEK, time_zone: berlin, time: CLOCK });
    await user.click(within(card()).getByRole('button', { name: 'Edit schedule' }));
    const zone = within(dialog()).getByLabelText('Time zone');
    await user.selectOptions(zone, 'Africa/Casablanca');
    await user.click(within(dialog()).getByRole('button', { name: 'Save schedule' }));
    expect(commands.sent).toEqual([]);
    expect(zone).toHaveAttribute('aria-invalid', 'true');
    expect(zone).toHaveAccessibleDescription('Hearth cannot give the thermostat the rules of Africa/Casablanca. Pick another zone with the same times.');
  });

  it('asks for a zone when this device’s cannot be given to a thermostat that has none', async () => {
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    const commands = renderCard({ deviceZone: 'Africa/Casablanca' });
    showState({ schedule: WEEK, time_zone: null, time: CLOCK });
    expect(card()).toHaveTextContent('Hearth cannot give the thermostat the rules of Africa/Casablanca: pick a zone in the editor.');
    expect(within(card()).queryByRole('button', { name: "Use this device's time zone" })).toBeNull();
    await user.click(within(card()).getByRole('button', { name: 'Edit schedule' }));
    const zone = within(dialog()).getByLabelText('Time zone');
    await user.click(within(dialog()).getByRole('button', { name: 'Save schedule' }));
    expect(commands.sent).toEqual([]);
    expect(zone).toHaveAccessibleDescription('Hearth cannot give the thermostat the rules of Africa/Casablanca. Pick another zone with the same times.');
    expect(zone).toHaveFocus();
    await user.selectOptions(zone, 'Europe/Lisbon');
    expect(zone).toHaveAttribute('aria-invalid', 'false');
    await user.click(within(dialog()).getByRole('button', { name: 'Save schedule' }));
    expect(commands.sent).toEqual([{ schedule: WEEK, time_zone: posixTimeZoneFor('Europe/Lisbon', NOW) }]);
  });

  it('asks for a zone when the browser names none and the thermostat has none', async () => {
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    const commands = renderCard({ deviceZone: null });
    showState({ schedule: WEEK, time_zone: null, time: CLOCK });
    await user.click(within(card()).getByRole('button', { name: 'Edit schedule' }));
    const zone = within(dialog()).getByLabelText('Time zone');
    await user.click(within(dialog()).getByRole('button', { name: 'Save schedule' }));
    expect(commands.sent).toEqual([]);
    expect(zone).toHaveAccessibleDescription('Pick the time zone the thermostat is in: the switch points are read in its local time.');
  });

  it('refuses a second switch point at the same time and a temperature out of range, each at its field', async () => {
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    const commands = renderCard();
    showState({ schedule: WEEK, time_zone: berlin, time: CLOCK });
    await user.click(within(card()).getByRole('button', { name: 'Edit schedule' }));
    const monday = day('Monday');
    fireEvent.change(within(monday).getByLabelText('Monday switch point 2 time'), { target: { value: '06:30' } });
    const temperature = within(monday).getByLabelText('Monday switch point 3 temperature');
    await user.clear(temperature);
    await user.type(temperature, '35');
    await user.click(within(dialog()).getByRole('button', { name: 'Save schedule' }));

    expect(commands.sent).toEqual([]);
    expect(within(dialog()).getByRole('alert')).toHaveTextContent('The schedule was not saved: fix the fields marked above.');
    const duplicate = within(monday).getByLabelText('Monday switch point 2 time');
    expect(duplicate).toHaveAttribute('aria-invalid', 'true');
    expect(duplicate).toHaveAccessibleDescription('Monday already has a switch point at 06:30.');
    expect(duplicate).toHaveFocus();
    expect(temperature).toHaveAttribute('aria-invalid', 'true');
    expect(temperature).toHaveAccessibleDescription('Enter a temperature from 5.0 to 30.0 °C, in steps of 0.1.');
    expect(within(monday).getByLabelText('Monday switch point 1 time')).toHaveAttribute('aria-invalid', 'false');

    // Fixed, the same form saves; a field's problem goes as soon as it is typed in.
    fireEvent.change(duplicate, { target: { value: '08:45' } });
    expect(duplicate).toHaveAttribute('aria-invalid', 'false');
    expect(duplicate).not.toHaveAccessibleDescription();
    expect(temperature).toHaveAttribute('aria-invalid', 'true');
    await user.clear(temperature);
    await user.type(temperature, '21');
    await user.click(within(dialog()).getByRole('button', { name: 'Save schedule' }));
    expect(commands.sent).toEqual([{ schedule: [[[390, 21], [525, 17], [1020, 21], [1350, 17]], [], [], [], [], WEEK[5], []] }]);
  });

  it('copies Monday to the weekdays, removes a switch point, and stops adding at six', async () => {
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    const commands = renderCard();
    showState({ schedule: WEEK, time_zone: berlin, time: CLOCK });
    await user.click(within(card()).getByRole('button', { name: 'Edit schedule' }));
    await user.click(within(day('Monday')).getByRole('button', { name: 'Copy Monday to weekdays' }));
    await user.click(within(day('Friday')).getByRole('button', { name: 'Remove Friday switch point 4' }));
    expect(within(day('Friday')).getByRole('button', { name: 'Add switch point' })).toHaveFocus();
    const sunday = day('Sunday');
    for (let i = 0; i < 6; i += 1) await user.click(within(sunday).getByRole('button', { name: 'Add switch point' }));
    expect(within(sunday).getByRole('button', { name: 'Add switch point' })).toBeDisabled();
    expect(within(sunday).getAllByLabelText(/^Sunday switch point \d temperature$/)).toHaveLength(6);
    for (let i = 6; i >= 1; i -= 1) await user.click(within(sunday).getByRole('button', { name: `Remove Sunday switch point ${i}` }));
    await user.click(within(dialog()).getByRole('button', { name: 'Save schedule' }));
    const monday = WEEK[0]!;
    expect(commands.sent).toEqual([{ schedule: [monday, monday, monday, monday, monday.slice(0, 3), WEEK[5], []] }]);
  });

  it('closes on Cancel without sending, focus back on Edit schedule', async () => {
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    const commands = renderCard();
    showState({ schedule: WEEK, time_zone: berlin, time: CLOCK });
    const edit = within(card()).getByRole('button', { name: 'Edit schedule' });
    await user.click(edit);
    await user.click(within(day('Monday')).getByRole('button', { name: 'Remove Monday switch point 1' }));
    await user.click(within(dialog()).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(edit).toHaveFocus();
    expect(commands.sent).toEqual([]);
  });

  it('says in words why the thermostat refused the schedule', async () => {
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    renderCard();
    showState({ schedule: WEEK, time_zone: berlin, time: CLOCK });
    await user.click(within(card()).getByRole('button', { name: 'Edit schedule' }));
    await user.click(within(day('Monday')).getByRole('button', { name: 'Remove Monday switch point 1' }));
    await user.click(within(dialog()).getByRole('button', { name: 'Save schedule' }));
    showState({ schedule: WEEK, time_zone: berlin, time: CLOCK, error: 'out_of_range' }, { confirming: true });
    const words = 'The thermostat refused the schedule: a time, temperature or time zone was outside what it accepts.';
    expect(card()).toHaveTextContent(words);
    // The screen's command error is the one alert; the card's words describe the way back into the editor.
    expect(within(card()).queryByRole('alert')).toBeNull();
    expect(within(card()).getByRole('button', { name: 'Edit schedule' })).toHaveAccessibleDescription(words);
    expect(card()).not.toHaveTextContent('Sending…');
    expect(dayRow('Monday')).toHaveTextContent('06:30 21.0 °C');
  });
});
