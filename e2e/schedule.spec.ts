import type { Page } from '@playwright/test';
import { test, expect, expectAccessible, fillWorkingWeek, type AppHelpers, type ThermostatScreen } from './fixtures/index.ts';
import type { SimulatedThermostat, SimulatorState } from '../scripts/system/thermostat.ts';

// The household lives in Berlin: the browser's zone is what the schedule editor gives a thermostat that has none.
// The thermostat runs in real time: a minute before a switch point is a real minute, however busy the machine, to
// read what holds then; `run` then moves its world past the switch point at once.
test.use({ timezoneId: 'Europe/Berlin', simSpeed: 1 });

/** The rules of Europe/Berlin as the app derives them and the thermostat stores them ("Time zones"). */
const BERLIN = 'CET-1CEST,M3.5.0,M10.5.0/3';
const MINUTE = 60;

/** A UTC second from a Berlin wall time in winter (UTC+1), as the test's expectations are written. */
const berlinWinter = (local: string): number => Date.parse(`${local}:00+01:00`) / 1000;

/** Weekdays 06:30 21.0 °C and 22:00 17.0 °C, in STATE's form. */
const WORKING_WEEK = [
  ...Array.from({ length: 5 }, () => [
    [6 * 60 + 30, 21],
    [22 * 60, 17],
  ]),
  [],
  [],
];

/**
 * The phone's clock shows the thermostat's time. The app reads its own clock to name days ("Tue 06:30" against
 * "06:30" today) and to check an away-until is still to come; in a household both follow the real time, here the
 * thermostat's simulated clock jumps, so the page's clock is moved to it after a jump.
 */
async function phoneShowsThermostatTime(page: Page, thermostat: SimulatedThermostat): Promise<number> {
  const { time } = await thermostat.state();
  if (time === null) throw new Error('the thermostat does not know the time');
  await page.clock.setSystemTime(time * 1000);
  return time;
}

/** Monday 7 December 2026, 13:00 in Berlin, after a first reading: the phone shows that time and pairs. */
async function pairOnMondayAfternoon(page: Page, app: AppHelpers, thermostat: SimulatedThermostat): Promise<ThermostatScreen> {
  // The thermostat has no zone yet, so its clock is set in UTC.
  await thermostat.setTime('2026-12-07T12:00Z');
  await thermostat.run('10s'); // a first reading
  await phoneShowsThermostatTime(page, thermostat);
  return app.pair(page);
}

/**
 * Crosses the change due at `at`: a minute before it (`minuteBefore`, Berlin's wall time), read at the thermostat's
 * own clock, `stillHeld` holds; once its world has passed `at`, the screen says `heldAfter`. Returns the state then.
 */
async function crossChange(
  thermostat: SimulatedThermostat,
  screen: ThermostatScreen,
  change: { minuteBefore: string; at: number; stillHeld: Partial<SimulatorState>; heldAfter: string },
): Promise<SimulatorState> {
  expect(await thermostat.setTime(change.minuteBefore)).toBe(change.at - MINUTE);
  const before = await thermostat.state();
  expect(before.time).toBeLessThan(change.at);
  expect(before).toMatchObject({ ...change.stillHeld, next: { at: change.at } });

  await thermostat.run('2m');
  await expect(screen.held).toHaveText(change.heldAfter);
  const after = await thermostat.state();
  expect(after.time).toBeGreaterThanOrEqual(change.at);
  return after;
}

/** Makes the working week in the editor, as a person does: Monday's two switch points, copied to the weekdays. */
async function makeWorkingWeek(screen: ThermostatScreen): Promise<void> {
  await screen.editSchedule(async (editor) => {
    await fillWorkingWeek(editor);
    const friday = editor.getByRole('group', { name: 'Friday' });
    await expect(friday.getByLabel('Friday switch point 2 time')).toHaveValue('22:00');
    await expectAccessible(screen.page, 'schedule editor');
    await expect(editor.getByRole('group', { name: 'Saturday' }).getByRole('textbox')).toHaveCount(0);
  });
}

test('a household makes a working week, watches 22:00 lower the heating, and holds a warmer evening by hand', async ({
  page,
  app,
  thermostat,
}) => {
  const screen = await pairOnMondayAfternoon(page, app, thermostat);
  await expect(screen.held).toHaveText('Holding 20.0 °C · comfort');
  await expect(screen.scheduleCard).toContainText('No switch points yet');

  await makeWorkingWeek(screen);
  await expect(screen.scheduleCard.getByRole('status')).toHaveText('');
  await expect(screen.scheduleCard).toContainText('Running: at home the thermostat follows these switch points.');
  await expect(screen.scheduleCard).toContainText('Times are Europe/Berlin time.');
  await expect(screen.scheduleCard.getByRole('row', { name: /^Friday/ })).toHaveText(/06:30 21\.0 °C\s*22:00 17\.0 °C/);
  await expect(screen.scheduleCard.getByRole('row', { name: /^Saturday/ })).toContainText('No switch points');
  expect(await thermostat.state()).toMatchObject({ time_zone: BERLIN, schedule: WORKING_WEEK });

  // Afternoon: the 06:30 switch point holds, and 22:00 comes next.
  await expect(screen.held).toHaveText('Holding 21.0 °C · schedule');
  await expect(screen.nextChange).toHaveText('Next: 17.0 °C at 22:00 · schedule');
  const switchAt = berlinWinter('2026-12-07T22:00');
  expect(await thermostat.state()).toMatchObject({
    setpoint: 21,
    setpoint_source: 'schedule',
    next: { at: switchAt, setpoint: 17, source: 'schedule' },
  });

  // A minute before 22:00 (the thermostat now has Berlin's zone: the time is Berlin's) nothing has changed yet: the
  // thermostat, read at its own clock, still holds 21.0 °C...
  // ...and once its world has passed 22:00, the screen and the thermostat lower it to 17.0 °C, with Tuesday's 06:30 next.
  const after = await crossChange(thermostat, screen, {
    minuteBefore: '2026-12-07T21:59',
    at: switchAt,
    stillHeld: { setpoint: 21, setpoint_source: 'schedule' },
    heldAfter: 'Holding 17.0 °C · schedule',
  });
  const tuesdayMorning = berlinWinter('2026-12-08T06:30');
  expect(after).toMatchObject({ setpoint: 17, setpoint_source: 'schedule', next: { at: tuesdayMorning, setpoint: 21, source: 'schedule' } });
  await phoneShowsThermostatTime(page, thermostat);
  await expect(screen.nextChange).toHaveText('Next: 21.0 °C at Tue 06:30 · schedule');

  // A warmer evening: + while the schedule runs holds 17.5 °C until the next switch point, not a new comfort target.
  await expect(screen.target).toHaveAttribute('aria-valuetext', '17.0 °C');
  await expect(screen.targetCard).toContainText('A change holds until Tue 06:30, then the schedule');
  await screen.increaseTarget.click();
  await screen.expectConfirmedTarget(17.5);
  await expect(screen.held).toHaveText('Holding 17.5 °C · held by hand');
  await expect(screen.targetCard).toContainText('Held until Tue 06:30, then the schedule');
  await expect(screen.runningOverrides.getByRole('listitem')).toHaveText([/^Held at 17\.5 °C until Tue 06:30\s*Resume schedule$/]);
  await expect(screen.nextChange).toHaveText('Next: 21.0 °C at Tue 06:30 · schedule');
  expect(await thermostat.state()).toMatchObject({
    target: 20,
    setpoint: 17.5,
    setpoint_source: 'manual',
    manual: { setpoint: 17.5, until: tuesdayMorning },
    next: { at: tuesdayMorning, setpoint: 21, source: 'schedule' },
  });

  // Resume schedule: back to the schedule's 17.0 °C.
  await screen.overridesCard.getByRole('button', { name: 'Resume schedule' }).click();
  await expect(screen.held).toHaveText('Holding 17.0 °C · schedule');
  await expect(screen.runningOverrides).toBeHidden();
  await expect(screen.target).toHaveAttribute('aria-valuetext', '17.0 °C');
  expect(await thermostat.state()).toMatchObject({ setpoint: 17, setpoint_source: 'schedule', manual: null, target: 20 });
});

/** "14:02": a moment as the thermostat's wall in Berlin shows it. */
const berlinClock = (utc: number): string =>
  new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(utc * 1000);

test('a boost warms the room for an hour until cancelled, and a holiday keeps the away temperature until the house warms up for the return', async ({
  page,
  app,
  thermostat,
}) => {
  const screen = await pairOnMondayAfternoon(page, app, thermostat);
  await makeWorkingWeek(screen);
  await expect(screen.held).toHaveText('Holding 21.0 °C · schedule');
  expect(await thermostat.state()).toMatchObject({ time_zone: BERLIN, schedule: WORKING_WEEK, away_target: 16 });

  // Boost to 23.0 °C for 1 h: it ends an hour after the thermostat took it, and the schedule's 21.0 °C comes next.
  const beforeBoost = await thermostat.state();
  await screen.overridesCard.getByRole('button', { name: 'Boost', exact: true }).click();
  const boostDialog = page.getByRole('dialog', { name: 'Boost' });
  await expect(boostDialog).toBeVisible();
  await expectAccessible(page, 'boost dialog');
  await boostDialog.getByLabel('Boost temperature (°C)').fill('23');
  await boostDialog.getByRole('radio', { name: '1 h' }).check();
  await boostDialog.getByRole('button', { name: 'Start boost' }).click();
  await expect(boostDialog).toBeHidden();
  await expect(screen.held).toHaveText('Holding 23.0 °C · boost');
  const boosted = await thermostat.state();
  expect(boosted).toMatchObject({ setpoint: 23, setpoint_source: 'boost', boost: { setpoint: 23 } });
  const boostEnd = boosted.boost?.until ?? Number.NaN;
  expect(boostEnd).toBeGreaterThanOrEqual((beforeBoost.time ?? Number.NaN) + 60 * MINUTE);
  expect(boostEnd).toBeLessThanOrEqual((boosted.time ?? Number.NaN) + 60 * MINUTE);
  expect(boosted.next).toEqual({ at: boostEnd, setpoint: 21, source: 'schedule' });
  await expect(screen.runningOverrides.getByRole('listitem')).toHaveText([new RegExp(`^Boost to 23\\.0 °C until ${berlinClock(boostEnd)}\\s*Cancel boost$`)]);
  await expect(screen.nextChange).toHaveText(`Next: 21.0 °C at ${berlinClock(boostEnd)} · schedule`);

  await screen.overridesCard.getByRole('button', { name: 'Cancel boost' }).click();
  await expect(screen.held).toHaveText('Holding 21.0 °C · schedule');
  await expect(screen.runningOverrides).toBeHidden();
  expect(await thermostat.state()).toMatchObject({ setpoint: 21, setpoint_source: 'schedule', boost: null });

  // Away until Wednesday 18:00 with an hour's warm-up: the away temperature, lower than every switch point, holds
  // until 17:00 on Wednesday, when the schedule's 21.0 °C comes back.
  const backHome = berlinWinter('2026-12-09T18:00');
  const warmUp = berlinWinter('2026-12-09T17:00');
  await screen.overridesCard.getByRole('button', { name: 'Away until…' }).click();
  const awayDialog = page.getByRole('dialog', { name: 'Away until' });
  await expect(awayDialog).toBeVisible();
  await expectAccessible(page, 'away-until dialog');
  await awayDialog.getByLabel('Back on').fill('2026-12-09T18:00');
  await awayDialog.getByRole('radio', { name: '1 h' }).check();
  await awayDialog.getByRole('button', { name: 'Set away-until' }).click();
  await expect(awayDialog).toBeHidden();
  await expect(screen.held).toHaveText('Holding 16.0 °C · away');
  await expect(screen.runningOverrides.getByRole('listitem')).toHaveText([/^Away until Wed 18:00, warming up from 17:00\s*Cancel away-until$/]);
  await expect(screen.nextChange).toHaveText('Next: 21.0 °C at Wed 17:00 · schedule');
  expect(await thermostat.state()).toMatchObject({
    regime: 'home',
    setpoint: 16,
    setpoint_source: 'away',
    away_until: { until: backHome, preheat_minutes: 60 },
    next: { at: warmUp, setpoint: 21, source: 'schedule' },
  });

  // Late on Monday the schedule asks for 17.0 °C: still more than the away temperature, which holds.
  await thermostat.setTime('2026-12-07T23:00');
  await phoneShowsThermostatTime(page, thermostat);
  expect(await thermostat.state()).toMatchObject({ setpoint: 16, setpoint_source: 'away', next: { at: warmUp } });
  await expect(screen.held).toHaveText('Holding 16.0 °C · away');

  // A minute before the warm-up, still away (read at the thermostat's own clock); past 17:00 the house warms for the return.
  const warming = await crossChange(thermostat, screen, {
    minuteBefore: '2026-12-09T16:59',
    at: warmUp,
    stillHeld: { setpoint: 16, setpoint_source: 'away' },
    heldAfter: 'Holding 21.0 °C · schedule',
  });
  expect(warming).toMatchObject({
    setpoint: 21,
    setpoint_source: 'schedule',
    away_until: { until: backHome, preheat_minutes: 60 },
    next: { at: berlinWinter('2026-12-09T22:00'), setpoint: 17, source: 'schedule' },
  });
  await phoneShowsThermostatTime(page, thermostat);
  await expect(screen.runningOverrides.getByRole('listitem')).toHaveText([/^Away until 18:00, warming up from 17:00\s*Cancel away-until$/]);

  // Home early: Cancel away-until.
  await screen.overridesCard.getByRole('button', { name: 'Cancel away-until' }).click();
  await expect(screen.runningOverrides).toBeHidden();
  await expect(screen.held).toHaveText('Holding 21.0 °C · schedule');
  expect(await thermostat.state()).toMatchObject({ setpoint: 21, setpoint_source: 'schedule', away_until: null });
});
