/**
 * `npm run screenshots`: the README's pictures (docs/screenshots/) and the web app manifest's `screenshots`
 * (public/screenshots/, vite.config.ts), taken from the real app: the built app on the broker, in Debian's Chromium,
 * paired with two simulated thermostats ("Living room" and "Bedroom") that recorded a week of December weather.
 *
 * On a phone and a desktop, light and dark: the thermostat screen (the hero), all the rooms, and the history. The
 * phone and the desktop are the manifest's "narrow" and "wide" (scripts/pwa-screenshot-sizes.ts); their light
 * thermostat screens are the manifest's pictures, checked against the sizes the manifest gives.
 *
 * Builds nothing: run `npm run build` first (and build the simulator once, `npx tsx scripts/system/build.ts`).
 */
import { expect, type Browser, type Locator, type Page } from '@playwright/test';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { addFromPairingLink, fillWorkingWeek, ThermostatScreen } from '../e2e/fixtures/thermostat-screen.ts';
import { PWA_SCREENSHOTS, screenshotSizes } from './pwa-screenshot-sizes.ts';
import { repoRoot } from './system/paths.ts';
import type { SimulatedThermostat } from './system/thermostat.ts';
import { SystemUnderTest } from './system/under-test.ts';

const README_DIR = join(repoRoot, 'docs/screenshots');
const MANIFEST_DIR = join(repoRoot, 'public/screenshots');
const DAY_MS = 86_400_000;
/** The app waits on a thermostat and its chunks; a loaded machine gets room. */
const WAIT = { timeout: 30_000 };

/** The manifest's two pictures are the README's phone and desktop at their size. */
const DEVICES = [
  { device: 'phone', shot: PWA_SCREENSHOTS[0] },
  { device: 'desktop', shot: PWA_SCREENSHOTS[1] },
] as const;
const COLOR_SCHEMES = ['light', 'dark'] as const;

/** The bedroom's week: cool, 18 °C from 06:30 and 16 °C from 21:30, every day; entered as a person does. */
async function fillBedroomWeek(editor: Locator): Promise<void> {
  const monday = editor.getByRole('group', { name: 'Monday' });
  const points = [
    { time: '06:30', temperature: '18' },
    { time: '21:30', temperature: '16' },
  ];
  for (const [index, { time, temperature }] of points.entries()) {
    await monday.getByRole('button', { name: 'Add switch point' }).click();
    await monday.getByLabel(`Monday switch point ${index + 1} time`).fill(time);
    await monday.getByLabel(`Monday switch point ${index + 1} temperature`).fill(temperature);
  }
  await monday.getByRole('button', { name: 'Copy Monday to every day' }).click();
}

/**
 * The household, listed as the app lists them, in the order paired: the room paired last is the one on screen. Each
 * has a thermostat of its own (`key`) and a week of its own.
 */
const ROOMS = [
  { name: 'Bedroom', key: 'bedroom', week: fillBedroomWeek },
  { name: 'Living room', key: 'living-room', week: fillWorkingWeek },
] as const;
type Room = (typeof ROOMS)[number]['name'];
/** Each room with its simulated thermostat. */
type Household = ((typeof ROOMS)[number] & { thermostat: SimulatedThermostat })[];
/** The room of the thermostat screen and its history. */
const SHOWN_ROOM: Room = 'Living room';

/**
 * A week of December weather, as e2e/history.spec.ts gives one: mild, a cold spell, mild again; the heating hours per
 * day differ. 7 days of simulated time take a few seconds.
 */
const WEEK_OF_WEATHER = [
  { outside: 8, days: 2 },
  { outside: 0, days: 3 },
  { outside: 10, days: 2 },
] as const;

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): string {
  const bytes = readFileSync(file);
  return `${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`;
}

/** `YYYY-MM-DDTHH:MM:SSZ`, as the simulator's `time` takes a UTC time. */
const simulatorUtc = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/** A room's card on "All rooms": its heading is the button that opens it. */
function roomCard(page: Page, name: Room) {
  return page
    .getByRole('list', { name: 'Rooms' })
    .getByRole('listitem')
    .filter({ has: page.getByRole('heading', { name, exact: true }) });
}

/**
 * One browser of the household: pairs with each room as a person does, and on the first browser gives each room the
 * working week (the schedule editor also gives the thermostat this browser's zone, Berlin). The app's private key
 * cannot leave the browser context it was made in: each device pairs on invitations of its own.
 */
async function pairHousehold(
  browser: Browser,
  shot: (typeof PWA_SCREENSHOTS)[number],
  household: Household,
): Promise<ThermostatScreen> {
  // No service worker: its first-install notice is not what the pictures are for.
  const context = await browser.newContext({
    viewport: shot.viewport,
    deviceScaleFactor: shot.scale,
    serviceWorkers: 'block',
    colorScheme: 'light',
    timezoneId: 'Europe/Berlin',
    locale: 'en-GB',
  });
  const page = await context.newPage();
  const screen = new ThermostatScreen(page);
  for (const { name, week, thermostat } of household) {
    const dialog = await addFromPairingLink(page, await thermostat.invitation(), name);
    await expect(dialog).toBeHidden(WAIT);
    await expect(page.getByRole('heading', { level: 1, name })).toBeVisible(WAIT);
    await expect(screen.currentTemperature).toHaveText(/\d\s?°C/, WAIT);
    // The card is a chunk of its own: loaded, it says whether the room has a week yet.
    await expect(screen.scheduleCard.getByRole('button', { name: 'Edit schedule' })).toBeVisible(WAIT);
    if (await screen.scheduleCard.getByText('No switch points yet').isVisible()) {
      await screen.editSchedule(week);
      await expect(screen.scheduleCard).not.toContainText('No switch points yet', WAIT);
    }
  }
  return screen;
}

/** Both rooms live, each with a reading, on "All rooms". */
async function showRooms(page: Page): Promise<void> {
  const back = page.getByRole('button', { name: 'All rooms' });
  if (await back.isVisible()) await back.click();
  await expect(page.getByRole('heading', { level: 1, name: 'All rooms' })).toBeVisible(WAIT);
  for (const { name } of ROOMS) {
    await expect(roomCard(page, name).getByLabel('Temperature', { exact: true })).toHaveText(/^\d+\.\d °C$/, WAIT);
    await expect(roomCard(page, name).getByLabel('Status', { exact: true })).toHaveText('Live', WAIT);
  }
}

/** The shown room's screen, live, every card loaded, nothing pending, the week's record in its history. */
async function showRoom(screen: ThermostatScreen): Promise<void> {
  const { page } = screen;
  if (await page.getByRole('heading', { level: 1, name: 'All rooms' }).isVisible()) {
    await roomCard(page, SHOWN_ROOM).getByRole('button', { name: SHOWN_ROOM }).click();
  }
  await expect(page.getByRole('heading', { level: 1, name: SHOWN_ROOM })).toBeVisible(WAIT);
  await expect(screen.connection).toHaveText(/^Connected/, WAIT);
  await expect(screen.currentTemperature).toHaveText(/\d\s?°C/, WAIT);
  await expect(screen.target).not.toHaveAttribute('aria-busy', 'true', WAIT);
  await expect(screen.geofence).toBeVisible(WAIT);
  // The chart and the days are drawn once the card comes near the screen (history-panel.tsx): far down on a phone.
  await screen.historyCard.scrollIntoViewIfNeeded();
  await expect(screen.historyCard.getByText('From the thermostat’s own record')).toBeVisible(WAIT);
  await expect(screen.historyChart).toHaveAccessibleName(/ \d+\.\d to \d+\.\d °C, /, WAIT);
  await expect(screen.historyCard.getByText('Loading chart…')).toHaveCount(0, WAIT);
  await expect(screen.heatingBars).toBeVisible(WAIT);
  await expect(screen.historyChart.locator('canvas').first()).toBeVisible(WAIT);
}

/** The page's scrolling as its own script sees it (this code is checked without the DOM's types). */
interface Scrolling {
  scrollTo(options: { top: number; behavior: 'instant' }): void;
}
interface Scrollable {
  scrollIntoView(options: { block: 'end'; behavior: 'instant' }): void;
}

/** Scrolls to the page's top, or so that `last` ends at the bottom of the viewport (as near as the page lets it). */
async function scrollTo(page: Page, last?: ThermostatScreen['heatingBars']): Promise<void> {
  if (last === undefined) await page.evaluate(() => (globalThis as unknown as Scrolling).scrollTo({ top: 0, behavior: 'instant' }));
  else await last.evaluate((element: Scrollable) => element.scrollIntoView({ block: 'end', behavior: 'instant' }));
}

async function takeScreenshot(page: Page, file: string): Promise<void> {
  await page.screenshot({ path: file, animations: 'disabled' });
  console.log(`${relative(repoRoot, file)}: ${pngSize(file)}, ${Math.round(statSync(file).size / 1024)} KiB`);
}

/**
 * The week, at once, after the first browser gave the rooms their schedules and zone; ends now, as the browsers'
 * clocks say.
 */
async function recordWeek(thermostats: readonly SimulatedThermostat[]): Promise<void> {
  for (const { outside, days } of WEEK_OF_WEATHER) {
    for (const thermostat of thermostats) {
      await thermostat.control(`outside ${outside}`);
      await thermostat.run(`${days}d`);
    }
  }
  // The clocks lost the few seconds of real time the runs took.
  for (const thermostat of thermostats) await thermostat.setTime(simulatorUtc(Date.now()));
}

async function main(): Promise<void> {
  if (!existsSync(join(repoRoot, 'dist/index.html'))) throw new Error('dist/ has no build: run `npm run build` first');
  const system = await SystemUnderTest.start({ label: 'screenshots', staticDir: 'dist' });
  try {
    const household: Household = [];
    for (const room of ROOMS) household.push({ ...room, thermostat: await system.thermostat(room.key) });
    const thermostats = household.map(({ thermostat }) => thermostat);
    // Put up a week ago (recordWeek runs the week).
    const putUp = Date.now() - 7 * DAY_MS;
    for (const thermostat of thermostats) await thermostat.setTime(simulatorUtc(putUp));
    const browser = await system.browser();
    mkdirSync(README_DIR, { recursive: true });
    mkdirSync(MANIFEST_DIR, { recursive: true });
    for (const [index, { device, shot }] of DEVICES.entries()) {
      const screen = await pairHousehold(browser, shot, household);
      if (index === 0) {
        await recordWeek(thermostats);
        // The app asked for the record when it paired, before the week: opened again, it asks for what came since.
        await screen.page.reload();
      }
      const { page } = screen;
      // Both colour schemes in the one context: each context is another member of the household.
      for (const colorScheme of COLOR_SCHEMES) {
        await page.emulateMedia({ colorScheme });
        const name = (view: string) => join(README_DIR, `${device}-${colorScheme}-${view}.png`);
        await showRooms(page);
        await takeScreenshot(page, name('overview'));
        await showRoom(screen);
        await scrollTo(page);
        await takeScreenshot(page, name('hero'));
        // Down to the heating hours per day: the chart above them, and on a phone the card's heading too.
        await scrollTo(page, screen.heatingBars);
        await takeScreenshot(page, name('history'));
        if (colorScheme === 'light') {
          const manifestFile = join(MANIFEST_DIR, shot.file);
          copyFileSync(name('hero'), manifestFile);
          const taken = pngSize(manifestFile);
          if (taken !== screenshotSizes(shot)) throw new Error(`${shot.file} is ${taken}, but the manifest says ${screenshotSizes(shot)}`);
          console.log(`${relative(repoRoot, manifestFile)}: ${taken} (${shot.formFactor})`);
        }
      }
      await page.context().close();
    }
  } finally {
    await system.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`screenshots: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
