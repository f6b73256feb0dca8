import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, expectAccessible, SERVICE_WORKER_WAIT_MS } from './fixtures/index.ts';
import type { InPage } from './fixtures/in-page.ts';
import { repoRoot } from '../scripts/system/paths.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../playwright.config.ts';

interface InstallabilityError {
  errorId: string;
  errorArguments: { name: string; value: string }[];
}

test('installable: Chromium finds nothing in the way of installing, and the service worker controls the page', async ({
  playwright,
  app,
}, testInfo) => {
  // Chromium never offers to install from an incognito profile, which is what a new context is.
  const profile = testInfo.outputPath('profile');
  const context = await playwright.chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const screen = await app.pair(page);
    const devtools = await context.newCDPSession(page);
    // The service worker registers once the start has settled; Chromium reports it missing until then.
    let errors: InstallabilityError[] = [];
    await expect
      .poll(async () => {
        ({ installabilityErrors: errors } = (await devtools.send('Page.getInstallabilityErrors')) as {
          installabilityErrors: InstallabilityError[];
        });
        return errors.map((error) => error.errorId);
      }, { timeout: SERVICE_WORKER_WAIT_MS })
      .toEqual([]);
    const manifest = (await devtools.send('Page.getAppManifest')) as { url: string; errors: unknown[] };
    expect(manifest.errors).toEqual([]);
    await testInfo.attach('installability.json', {
      body: JSON.stringify({ installabilityErrors: errors, manifestUrl: manifest.url, manifestErrors: manifest.errors }, null, 2),
      contentType: 'application/json',
    });

    // Installed and active before the reload, or the reloaded page would not be its client yet.
    await expect
      .poll(() => page.evaluate(() => (globalThis as unknown as InPage).navigator.serviceWorker.ready.then((registration) => registration.active?.state)), { timeout: SERVICE_WORKER_WAIT_MS })
      .toBe('activated');
    await page.reload();
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as InPage).navigator.serviceWorker.controller !== null)).toBe(true);
    await screen.expectLive();
  } finally {
    await context.close();
  }
});

const SCREENSHOT_DIR = join(repoRoot, 'e2e/screenshots');
const SIZES = {
  phone: { width: 390, height: 844 },
  desktop: { width: 1280, height: 800 },
} as const;

test('screenshots of the thermostat screen on a phone and a desktop, light and dark', async ({ page, appScreen: screen, thermostat }) => {
  await thermostat.control('outside 20');
  await thermostat.control('room 20.4');
  // The first-install notice is right, but it is not what the screenshots are for: a page the active service worker
  // already controls when it loads has nothing to announce.
  await expect
    .poll(() => page.evaluate(() => (globalThis as unknown as InPage).navigator.serviceWorker.ready.then((registration) => registration.active?.state)), { timeout: SERVICE_WORKER_WAIT_MS })
    .toBe('activated');
  await page.reload();
  await expect.poll(() => page.evaluate(() => (globalThis as unknown as InPage).navigator.serviceWorker.controller !== null)).toBe(true);
  await expect(page.getByRole('status').filter({ hasText: 'Ready to work offline' })).toHaveCount(0);
  await expect.poll(() => screen.shownTemperature()).toBeGreaterThan(20.2);
  // The geofence and history cards are their own chunks: shoot the screen a person sees, not placeholders.
  await expect(page.getByRole('switch', { name: 'Geofence' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'History', exact: true })).toBeVisible();
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  for (const [device, size] of Object.entries(SIZES)) {
    await page.setViewportSize(size);
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      await screen.expectLive();
      await expect(screen.target).not.toHaveAttribute('aria-busy', 'true');
      await page.screenshot({ path: join(SCREENSHOT_DIR, `${device}-${colorScheme}.png`), animations: 'disabled' });
      await expectAccessible(page, `paired thermostat screen, ${device}, ${colorScheme}`);
    }
    // A dark theme that looks exactly like the light one is no dark theme.
    const light = readFileSync(join(SCREENSHOT_DIR, `${device}-light.png`));
    const dark = readFileSync(join(SCREENSHOT_DIR, `${device}-dark.png`));
    expect(dark.equals(light), `${device}: dark and light screenshots differ`).toBe(false);
  }
});
