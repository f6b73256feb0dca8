import { test, expect, expectAccessible } from './fixtures/index.ts';
import type { Page } from '@playwright/test';
import { keptHistory, PairedApp } from '../firmware/sim/paired-app.ts';
import { HISTORY_INTERVAL_S, type StateMessage } from '../protocol/index.ts';

// The household lives in Berlin, its browser speaks British English; the thermostat runs in real time, and `run`
// gives it a week of weather at once.
test.use({ timezoneId: 'Europe/Berlin', locale: 'en-GB', simSpeed: 1 });

/** The rules of Europe/Berlin as a thermostat stores them ("Time zones"). */
const BERLIN = 'CET-1CEST,M3.5.0,M10.5.0/3';
const DAY_S = 86_400;
const SLOT_S = HISTORY_INTERVAL_S;
const slotOf = (utc: number): number => Math.floor(utc / SLOT_S) * SLOT_S;

/** "Tue 15 Dec": a day of the thermostat's in Berlin, as the app names it (and the ICU of this computer, independently). */
const berlinDayName = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', weekday: 'short', day: 'numeric', month: 'short' });
const berlinDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' });
const dayOf = (utc: number): string => berlinDate.format(utc * 1000);
/** "Tue 22 Dec, 13:00": an hour of the history table, as en-GB says it. */
const berlinHour = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
/** The chart's name: what it shows, the temperature's range and the heating. */
const chartName = (phrase: string): RegExp =>
  new RegExp(`^Temperature, set point and heater on-time, ${phrase}: \\d+\\.\\d to \\d+\\.\\d °C, (?:heating (?:\\d+ h )?\\d+ min|heating \\d+ h|no heating)$`);
/** The page's width as its own script sees it (this code is checked without the DOM's types). */
interface InPage {
  document: { documentElement: { scrollWidth: number } };
  innerWidth: number;
}
/** Nothing wider than the viewport: the page does not scroll sideways. */
const noSidewaysScroll = (page: Page) =>
  page.evaluate(() => {
    const inPage = globalThis as unknown as InPage;
    return inPage.document.documentElement.scrollWidth <= inPage.innerWidth;
  });

/** Hours as the table shows them, to a tenth. */
const hours = (seconds: number): string => `${(seconds / 3600).toFixed(1)} h`;
/** Any of the texts that `seconds` to `seconds + extra` of heating show as. */
const hoursBetween = (seconds: number, extra: number): string[] => [
  ...new Set(Array.from({ length: extra / 10 + 1 }, (_, step) => hours(seconds + step * 10))),
];
const escaped = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const oneOf = (texts: readonly string[]): string => `(?:${texts.map(escaped).join('|')})`;

test('a new member sees the week the thermostat recorded before they joined, with the heating hours of each day', async ({
  page,
  app,
  thermostat,
  broker,
}) => {
  // Tuesday 15 December 2026, 13:05 in Berlin: the thermostat goes up on the wall, and the first member's phone
  // gives it the household's zone.
  const putUp = await thermostat.setTime('2026-12-15T12:05Z');
  await thermostat.run('10s'); // a first reading
  // The phone of the member who put the thermostat up: it gave the thermostat its zone, and the test reads the
  // thermostat's own record through it, page by page, as any member's app may.
  const firstPhone = await PairedApp.pair(broker, thermostat, 'First phone');
  try {
    const zoned = await firstPhone.request('SET', { time_zone: BERLIN }, (m): m is StateMessage => m.type === 'STATE' && m.time_zone === BERLIN);
    expect(zoned).toMatchObject({ error: null });

    // A week of December weather: mild, then a cold spell, then mild again. The room at 20 °C needs more heating
    // in the cold, so the days differ.
    await thermostat.control('outside 8');
    await thermostat.run('2d');
    await thermostat.control('outside 0');
    await thermostat.run('3d');
    await thermostat.control('outside 12');
    await thermostat.run('2d');
    const { time: now } = await thermostat.state();
    if (now === null) throw new Error('the thermostat does not know the time after a week');
    expect(now - putUp).toBeGreaterThanOrEqual(7 * DAY_S);

    // What the thermostat's own record says, per day of Berlin: the slots it recorded and the heating in them. The
    // slot in progress is not over: the app may count any part of its 10 minutes.
    await firstPhone.start();
    const kept = await keptHistory(firstPhone, now);
    const { answeredAt } = kept;
    const slots = kept.heater_s.map((heater_s, index) => ({ start: kept.from + index * SLOT_S, heater_s }));
    const inProgress = slotOf(answeredAt);
    const days = new Map<string, { heating_s: number; recorded: number }>();
    let lastSevenDays_s = 0;
    for (const { start, heater_s } of slots) {
      if (heater_s === null || start >= inProgress) continue;
      const day = days.get(dayOf(start)) ?? { heating_s: 0, recorded: 0 };
      day.heating_s += heater_s;
      day.recorded += 1;
      days.set(dayOf(start), day);
      if (start >= slotOf(answeredAt - 7 * DAY_S)) lastSevenDays_s += heater_s;
    }
    expect(slots.find((slot) => slot.start === inProgress)?.heater_s, 'the slot in progress is being recorded').not.toBeNull();

    // Today and the 7 days before it, in Berlin (no change of offset in December: a day is 24 hours).
    const shownDays = Array.from({ length: 8 }, (_, index) => answeredAt - (7 - index) * DAY_S);
    const pastDays = shownDays.slice(0, 7).map((utc) => {
      const { heating_s, recorded } = days.get(dayOf(utc)) ?? { heating_s: 0, recorded: 0 };
      const recordedHours = Number((recorded / 6).toFixed(1));
      return {
        name: berlinDayName.format(utc * 1000),
        heating: hours(heating_s),
        recordedBy: recorded === 144 ? 'the thermostat' : `the thermostat (${recordedHours} of 24 h)`,
      };
    });
    const todayEnded_s = days.get(dayOf(answeredAt))?.heating_s ?? 0;
    const todayHeating = hoursBetween(todayEnded_s, SLOT_S);
    // The thermostat was put up on the first of these days, at 13:05: it recorded from 13:00 on.
    expect(pastDays[0]).toMatchObject({ name: 'Tue 15 Dec', recordedBy: 'the thermostat (11 of 24 h)' });
    expect(pastDays.slice(1).map((day) => day.recordedBy)).toEqual(Array(6).fill('the thermostat'));
    expect(new Set(pastDays.slice(1).map((day) => day.heating)).size, 'the cold days needed more heating').toBeGreaterThan(1);

    // A new member pairs a week later, their phone held sideways; it shows the thermostat's time, as in any household.
    await page.setViewportSize({ width: 844, height: 390 });
    await page.clock.setSystemTime(answeredAt * 1000);
    const screen = await app.pair(page, { thermostatName: 'Living room' });

    // The last 24 hours first, then the week: all of it from the thermostat's record.
    await screen.showHistory('24 hours');
    await expect(screen.historyChart).toHaveAccessibleName(chartName('last 24 hours'));
    await expect(screen.historyChart).toHaveAccessibleDescription(
      // The slots that start in the 24 hours (145 when now is on a slot's start, else 144); the slot in progress may be
      // what this app saw of it.
      /^In the last 24 hours: (?:24(?:\.2)? h from the thermostat, 0 h|(?:23\.8|24) h from the thermostat, 0\.2 h) seen by this app, 0 h with no record\./,
    );

    // The same 24 hours as a table, an hour a row, in the browser's words for the thermostat's hours.
    await screen.historyCard.getByRole('button', { name: 'Show as table' }).click();
    const hourTable = screen.historyCard.getByRole('table', { name: 'Mean temperature, set point and heating, last 24 hours, every hour' });
    const hourRows = hourTable.getByRole('row').filter({ has: page.getByRole('rowheader') });
    await expect(hourRows.last().getByRole('rowheader')).toHaveText(berlinHour.format(Math.floor(answeredAt / 3600) * 3600 * 1000));
    await expect(hourRows.last().getByRole('cell')).toHaveText([/^\d+\.\d °C$/, /^\d+\.\d °C$/, /^(?:\d+ h )?\d+ min$|^\d+ h$/]);
    expect(await hourRows.count()).toBeGreaterThanOrEqual(24);
    expect(await hourRows.count()).toBeLessThanOrEqual(25);

    // The phone turns upright: the chart shrinks with the card, and nothing makes the page scroll sideways.
    const canvas = screen.historyChart.locator('canvas').first();
    const canvasWidth = async () => (await canvas.boundingBox())?.width ?? 0;
    await expect.poll(canvasWidth).toBeGreaterThan(600);
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(canvasWidth).toBeLessThan(390);
    await expect.poll(() => noSidewaysScroll(page)).toBe(true);

    await screen.showHistory('7 days');
    await expect(screen.historyCard).toContainText('From the thermostat’s own record; what this app saw fills the slots it has none for.');
    await expect(screen.historyChart).toHaveAccessibleName(chartName('last 7 days'));
    await expect(screen.historyChart).toHaveAccessibleDescription(
      new RegExp(
        '^In the last 7 days: (?:168(?:\\.2)? h from the thermostat, 0 h|(?:167\\.8|168) h from the thermostat, 0\\.2 h) seen by this app, 0 h with no record\\. ' +
          `Temperature from .+ to .+\\. Heating ${oneOf(hoursBetween(lastSevenDays_s, SLOT_S))}\\.$`,
      ),
    );

    // Heating hours per day, in Berlin's days: the same hours as the thermostat's pages, in bars and in the table.
    await expect(screen.historyCard).toContainText('Heating hours per day, in the thermostat’s local days');
    await expect(screen.heatingBars).toHaveAccessibleName(
      new RegExp(`^Heating hours per day, as bars: ${pastDays.map((day) => `${escaped(day.name)} ${escaped(day.heating)}, `).join('')}Today so far ${oneOf(todayHeating)}$`),
    );
    const rows = screen.heatingDays();
    await expect(rows).toHaveCount(8);
    for (const [index, day] of pastDays.entries()) {
      const row = rows.nth(index);
      await expect(row.getByRole('rowheader')).toHaveText(day.name);
      await expect(row.getByRole('cell')).toHaveText([day.heating, day.recordedBy]);
    }
    const today = rows.nth(7);
    await expect(today.getByRole('rowheader')).toHaveText('Today so far');
    await expect(today.getByRole('cell')).toHaveText([new RegExp(`^${oneOf(todayHeating)}$`), /^the thermostat(?: and this app)?$/]);
    await expectAccessible(page, 'history with its table');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expectAccessible(page, 'history with its table, dark');
  } finally {
    await firstPhone.close();
  }
});
