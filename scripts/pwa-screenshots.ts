/**
 * `npm run pwa:screenshots`: the web app manifest's `screenshots` (vite.config.ts), taken from the real app: the built
 * app on the broker, paired with a simulated thermostat, in Debian's Chromium, at a phone's size ("narrow") and a
 * desktop's ("wide"). Writes public/screenshots/*.png; the manifest names their sizes, so this prints them to check.
 *
 * Builds nothing: run `npm run build` first (and build the simulator once, `npx tsx scripts/system-build.ts`).
 */
import { chromium, expect, type Browser } from '@playwright/test';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../playwright.config.ts';
import { addFromPairingLink, ThermostatScreen } from '../e2e/fixtures/thermostat-screen.ts';
import { BrokerProcess } from './system-broker.ts';
import { repoRoot } from './system-paths.ts';
import { SimulatedThermostat } from './system-thermostat.ts';

/** Viewport and pixel ratio of each; the PNG is their product, which the manifest's `sizes` must say. */
export const PWA_SCREENSHOTS = [
  { file: 'narrow.png', formFactor: 'narrow', viewport: { width: 390, height: 844 }, scale: 1.5 },
  { file: 'wide.png', formFactor: 'wide', viewport: { width: 1280, height: 800 }, scale: 1 },
] as const;

const OUT_DIR = join(repoRoot, 'public/screenshots');

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
  const bytes = readFileSync(file);
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

async function main(): Promise<void> {
  if (!existsSync(join(repoRoot, 'dist/index.html'))) throw new Error('dist/ has no build: run `npm run build` first');
  const workDir = mkdtempSync(join(tmpdir(), 'hearth-shots-'));
  const broker = new BrokerProcess({ port: 0, staticDir: 'dist', logFile: join(workDir, 'broker.log'), name: 'broker (screenshots)' });
  let thermostat: SimulatedThermostat | null = null;
  let browser: Browser | null = null;
  try {
    await broker.start();
    thermostat = await SimulatedThermostat.start({
      brokerWsUrl: broker.wsUrl,
      appUrl: broker.httpUrl,
      stateDir: join(workDir, 'thermostat'),
      speed: 1,
      name: 'thermostat (screenshots)',
      logFile: join(workDir, 'thermostat.log'),
    });
    await thermostat.waitForOnline();
    await thermostat.control('outside 8');
    await thermostat.control('room 20.4');
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
    mkdirSync(OUT_DIR, { recursive: true });
    for (const shot of PWA_SCREENSHOTS) {
      // No service worker: its first-install notice is not what the pictures are for. Each size pairs on its own
      // invitation: the app's private key cannot leave the browser context it was made in.
      const context = await browser.newContext({ viewport: shot.viewport, deviceScaleFactor: shot.scale, serviceWorkers: 'block', colorScheme: 'light' });
      const shownPage = await context.newPage();
      const dialog = await addFromPairingLink(shownPage, await thermostat.invitation(), 'Living room');
      await expect(dialog).toBeHidden({ timeout: 30_000 });
      const screen = new ThermostatScreen(shownPage);
      await expect(screen.currentTemperature).toHaveText(/\d\s?°C/, { timeout: 30_000 });
      await expect(shownPage.getByRole('heading', { name: 'History', exact: true })).toBeVisible({ timeout: 30_000 });
      await expect(screen.target).not.toHaveAttribute('aria-busy', 'true');
      const path = join(OUT_DIR, shot.file);
      await shownPage.screenshot({ path, animations: 'disabled' });
      const size = pngSize(path);
      console.log(`${shot.file}: ${size.width}x${size.height} (${shot.formFactor})`);
      await context.close();
    }
  } finally {
    await browser?.close();
    await thermostat?.stop();
    await broker.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`pwa:screenshots: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
