import type { Page } from '@playwright/test';
import { test, expect, type ThermostatScreen } from './fixtures/index.ts';
import type { SimulatedThermostat } from '../scripts/system-thermostat.ts';

// The household lives in Berlin: the browser's zone is what the schedule editor gives a thermostat that has none.
// Ten simulated seconds per real second: the minute before a switch point passes in six.
test.use({ timezoneId: 'Europe/Berlin', simSpeed: 10 });

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
 * thermostat's simulated clock runs ten times as fast and jumps, so the page's clock is moved to it after a jump.
 */
async function phoneShowsThermostatTime(page: Page, thermostat: SimulatedThermostat): Promise<number> {
  const { time } = await thermostat.state();
  if (time === null) throw new Error('the thermostat does not know the time');
  await page.clock.setSystemTime(time * 1000);
  return time;
}

/** Makes the working week in the editor, as a person does: Monday's two switch points, copied to the weekdays. */
async function makeWorkingWeek(screen: ThermostatScreen): Promise<void> {
  await screen.editSchedule(async (editor) => {
    const monday = editor.getByRole('group', { name: 'Monday' });
    await monday.getByRole('button', { name: 'Add switch point' }).click();
    await monday.getByLabel('Monday switch point 1 time').fill('06:30');
    await monday.getByLabel('Monday switch point 1 temperature').fill('21');
    await monday.getByRole('button', { name: 'Add switch point' }).click();
    await monday.getByLabel('Monday switch point 2 time').fill('22:00');
    await monday.getByLabel('Monday switch point 2 temperature').fill('17');
    await monday.getByRole('button', { name: 'Copy Monday to weekdays' }).click();
    const friday = editor.getByRole('group', { name: 'Friday' });
    await expect(friday.getByLabel('Friday switch point 2 time')).toHaveValue('22:00');
    await expect(editor.getByRole('group', { name: 'Saturday' }).getByRole('textbox')).toHaveCount(0);
  });
}

test('a household makes a working week, watches 22:00 lower the heating, and holds a warmer evening by hand', async ({
  page,
  app,
  thermostat,
}) => {
  // Monday 7 December 2026, 13:00 in Berlin. The thermostat has no zone yet, so its clock is set in UTC.
  await thermostat.setTime('2026-12-07T12:00Z');
  await phoneShowsThermostatTime(page, thermostat);
  const screen = await app.pair(page);
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

  // A minute before 22:00 (the thermostat now has Berlin's zone: the time is Berlin's) nothing has changed yet...
  expect(await thermostat.setTime('2026-12-07T21:59')).toBe(switchAt - MINUTE);
  await phoneShowsThermostatTime(page, thermostat);
  const before = await thermostat.state();
  expect(before.time).toBeLessThan(switchAt);
  expect(before).toMatchObject({ setpoint: 21, setpoint_source: 'schedule' });
  await expect(screen.held).toHaveText('Holding 21.0 °C · schedule');

  // ...and at 22:00 the screen and the thermostat lower it to 17.0 °C, with Tuesday's 06:30 next.
  await expect(screen.held).toHaveText('Holding 17.0 °C · schedule', { timeout: 20_000 });
  const after = await thermostat.state();
  expect(after.time).toBeGreaterThanOrEqual(switchAt);
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
