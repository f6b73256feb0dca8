/**
 * `npm run pwa:screenshots`: the web app manifest's `screenshots` (vite.config.ts), taken from the real app: the built
 * app on the broker, paired with a simulated thermostat, in Debian's Chromium, at a phone's size ("narrow") and a
 * desktop's ("wide"). Writes public/screenshots/*.png at the sizes scripts/pwa-screenshot-sizes.ts gives the manifest, and fails if one is not.
 *
 * Builds nothing: run `npm run build` first (and build the simulator once, `npx tsx scripts/system/build.ts`).
 */
import { expect } from '@playwright/test';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { addFromPairingLink, fillWorkingWeek, ThermostatScreen } from '../e2e/fixtures/thermostat-screen.ts';
import { PWA_SCREENSHOTS, screenshotSizes } from './pwa-screenshot-sizes.ts';
import { repoRoot } from './system/paths.ts';
import { SystemUnderTest } from './system/under-test.ts';

const OUT_DIR = join(repoRoot, 'public/screenshots');

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
  const bytes = readFileSync(file);
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** Weekdays warm from 06:30 to 22:00, entered as a person does. */
async function setWorkingWeek(screen: ThermostatScreen): Promise<void> {
  await screen.editSchedule(fillWorkingWeek);
  await expect(screen.scheduleCard).not.toContainText('No switch points yet', { timeout: 30_000 });
}

async function main(): Promise<void> {
  if (!existsSync(join(repoRoot, 'dist/index.html'))) throw new Error('dist/ has no build: run `npm run build` first');
  const system = await SystemUnderTest.start({ label: 'screenshots', staticDir: 'dist' });
  try {
    const thermostat = await system.thermostat();
    await thermostat.control('outside 8');
    await thermostat.control('room 20.4');
    const browser = await system.browser();
    mkdirSync(OUT_DIR, { recursive: true });
    for (const shot of PWA_SCREENSHOTS) {
      // No service worker: its first-install notice is not what the pictures are for. Each size pairs on its own
      // invitation: the app's private key cannot leave the browser context it was made in.
      const context = await browser.newContext({ viewport: shot.viewport, deviceScaleFactor: shot.scale, serviceWorkers: 'block', colorScheme: 'light', timezoneId: 'Europe/Berlin' });
      const shownPage = await context.newPage();
      const dialog = await addFromPairingLink(shownPage, await thermostat.invitation(), 'Living room');
      await expect(dialog).toBeHidden({ timeout: 30_000 });
      const screen = new ThermostatScreen(shownPage);
      await expect(screen.currentTemperature).toHaveText(/\d\s?°C/, { timeout: 30_000 });
      // A household's week, as the pictures should show one: the schedule editor also gives the thermostat this
      // browser's zone (Berlin), so the card shows both. Set once; the thermostat keeps it for the next picture.
      if (await screen.scheduleCard.getByText('No switch points yet').isVisible()) await setWorkingWeek(screen);
      await expect(shownPage.getByRole('heading', { name: 'History', exact: true })).toBeVisible({ timeout: 30_000 });
      await expect(screen.target).not.toHaveAttribute('aria-busy', 'true');
      const path = join(OUT_DIR, shot.file);
      await shownPage.screenshot({ path, animations: 'disabled' });
      const size = pngSize(path);
      const taken = `${size.width}x${size.height}`;
      if (taken !== screenshotSizes(shot)) throw new Error(`${shot.file} is ${taken}, but the manifest says ${screenshotSizes(shot)}`);
      console.log(`${shot.file}: ${taken} (${shot.formFactor})`);
      await context.close();
    }
  } finally {
    await system.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`pwa:screenshots: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
