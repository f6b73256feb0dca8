import type { BrowserContext, Response } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { INSTALL_PAGE_CONTENT_SECURITY_POLICY } from '../broker/http-headers.ts';
import { BrokerProcess } from '../scripts/system/broker.ts';
import { repoRoot } from '../scripts/system/paths.ts';
import { test, expect, SERVICE_WORKER_WAIT_MS } from './fixtures/index.ts';
import { HOME, placeBrowser } from './fixtures/geo.ts';
import type { InPage } from './fixtures/in-page.ts';

/** What the init script touches in the page; the e2e code is type-checked without the DOM library. */
interface ViolationEvent {
  violatedDirective: string;
  blockedURI: string;
  sourceFile: string;
  lineNumber: number;
}
interface InPageWithReporter {
  document: { addEventListener(type: string, listener: (event: ViolationEvent) => void, capture: boolean): void };
  reportViolation(text: string): Promise<void>;
}

/**
 * Everything the browser blocked or complained about under the broker's policies, in every page of `context`
 * and from its first script on: `securitypolicyviolation` events and the console's own CSP and
 * Permissions-Policy errors.
 */
async function recordBlocked(context: BrowserContext): Promise<string[]> {
  const blocked: string[] = [];
  await context.exposeFunction('reportViolation', (text: string) => blocked.push(`securitypolicyviolation: ${text}`));
  await context.addInitScript(() => {
    const page = globalThis as unknown as InPageWithReporter;
    page.document.addEventListener(
      'securitypolicyviolation',
      (event) => void page.reportViolation(`${event.violatedDirective} blocked ${event.blockedURI} (${event.sourceFile}:${event.lineNumber})`),
      true,
    );
  });
  context.on('console', (message) => {
    if (/Content.Security.Policy|Permissions.Policy|Refused to/i.test(message.text())) blocked.push(`console ${message.type()}: ${message.text()}`);
  });
  return blocked;
}

function expectStrictPolicy(response: Response | null, what: string): Promise<void> {
  return (async () => {
    expect(response, what).not.toBeNull();
    const headers = await (response as Response).allHeaders();
    const policy = headers['content-security-policy'] ?? '';
    expect(policy, `${what}: CSP`).toContain("frame-ancestors 'none'");
    expect(policy, `${what}: CSP`).toContain("script-src 'self'");
    expect(policy, `${what}: CSP`).not.toContain('unsafe-');
    expect(headers['referrer-policy'], `${what}: Referrer-Policy`).toBe('no-referrer');
  })();
}

test('headers: the paired app runs under its strict CSP with nothing blocked, works offline, and cannot be framed', async ({
  page,
  context,
  app,
  broker,
}) => {
  const blocked = await recordBlocked(context);
  await context.grantPermissions(['geolocation', 'clipboard-read', 'clipboard-write']);
  await placeBrowser(context, { distance: 0, accuracy: 20 });

  // The pairing link is the first document: its response carries the policy.
  const firstDocument = page.waitForResponse((response) => response.request().isNavigationRequest());
  const firstScript = page.waitForResponse((response) => /^\/assets\/[^/]+\.js$/.test(new URL(response.url()).pathname));
  const screen = await app.pair(page);
  await expectStrictPolicy(await firstDocument, 'the document from the broker');

  // The build's brotli copy goes to a browser that accepts it; a client that accepts nothing compressed gets the file.
  const script = await firstScript;
  expect(await script.request().headerValue('accept-encoding')).toMatch(/\bbr\b/);
  expect(await script.headerValue('content-encoding')).toBe('br');
  expect(await script.headerValue('vary')).toBe('Accept-Encoding');
  const plain = await page.request.get(script.url(), { headers: { 'Accept-Encoding': 'identity' } });
  expect(plain.headers()['content-encoding']).toBeUndefined();
  expect(await plain.text()).toBe(await script.text());

  // The main screens, each with its own lazy chunk: thermostat, geofence card, history chart, settings.
  await screen.increaseTarget.click();
  await expect(screen.target).not.toHaveAttribute('aria-busy', 'true');
  await expect(screen.geofence).toBeVisible();
  await expect(page.getByRole('heading', { name: 'History', exact: true })).toBeVisible();
  await screen.changeSettings(async (settings) => {
    await settings.getByLabel('Your name').fill('Ada');
    // The Permissions-Policy grants the app (itself only) geolocation, clipboard writes and Web Serial; this uses the first.
    await settings.getByRole('button', { name: 'Use my current position' }).click();
    await expect(settings.getByLabel('Home latitude')).toHaveValue(new RegExp(`^${HOME.latitude.toFixed(3).replace('.', '\\.')}`));
    await settings.getByLabel('Radius (km)').fill('1');
  });
  // And this the second: an invitation from the Household card, copied to pass on.
  const household = page.getByRole('region', { name: 'Household', exact: true });
  await household.getByRole('button', { name: 'Invite someone' }).click();
  const invitation = household.getByRole('region', { name: 'Invitation', exact: true });
  await invitation.getByRole('button', { name: 'Copy link' }).click();
  await expect(invitation.getByRole('status')).toHaveText('Link copied.');
  await screen.geofence.check();
  await expect(screen.geofence).toBeChecked();

  // The service worker installs under the policy, and the document it serves from its cache carries it too.
  await expect
    .poll(() => page.evaluate(() => (globalThis as unknown as InPage).navigator.serviceWorker.ready.then((registration) => registration.active?.state)), { timeout: SERVICE_WORKER_WAIT_MS })
    .toBe('activated');
  const fromCache = await page.reload();
  expect(fromCache?.fromServiceWorker()).toBe(true);
  await expectStrictPolicy(fromCache, 'the document from the service worker');
  await expect.poll(() => page.evaluate(() => (globalThis as unknown as InPage).navigator.serviceWorker.controller !== null)).toBe(true);
  await screen.expectLive();
  await expect(page.getByRole('heading', { name: 'History', exact: true })).toBeVisible();

  // The install page is no route of the app: with the service worker in control it still comes from the broker.
  const installPage = await page.goto('/firmware.html');
  expect(installPage?.fromServiceWorker()).toBe(false);
  await expect(page.getByRole('heading', { name: 'Install the Hearth firmware' })).toBeVisible();

  expect(blocked).toEqual([]);

  // Chromium refuses to show the app inside another page's frame (frame-ancestors 'none').
  const framing = await context.newPage();
  const refusal = framing.waitForEvent('console', (message) => /frame-ancestors/.test(message.text()));
  await framing.setContent(`<iframe title="app" src="${broker.httpUrl}/"></iframe>`);
  expect((await refusal).text()).toContain("frame-ancestors 'none'");
  await expect(framing.frameLocator('iframe').getByRole('status', { name: 'Connection' })).toHaveCount(0);
  await framing.close();
});

test("the install page (ESP Web Tools) under the broker's real headers: no image yet, then its install button, its dialog, and set-up over the same cable, nothing blocked", async ({
  page,
  context,
  thermostatOnCable,
  workDir,
}, testInfo) => {
  const blocked = await recordBlocked(context);
  // The built app as a host serves it, in a folder of this test's own: no firmware/ in it yet.
  const site = join(workDir, `site-${testInfo.testId}`);
  cpSync(join(repoRoot, 'dist'), site, { recursive: true });
  rmSync(join(site, 'firmware'), { recursive: true, force: true });
  const broker = new BrokerProcess({ port: 0, staticDir: site, logFile: join(workDir, `broker-site-${testInfo.testId}.log`), name: 'broker (install page)' });
  await broker.start();
  try {
    const installUrl = new URL('/firmware.html', broker.httpUrl).href;
    const first = await page.goto(installUrl);
    expect((await first?.allHeaders())?.['content-security-policy']).toBe(INSTALL_PAGE_CONTENT_SECURITY_POLICY);
    const firmware = page.getByRole('region', { name: 'Firmware on this site' });
    await expect(firmware.getByRole('alert')).toHaveText(
      'No firmware image on this site yet: build it with PlatformIO (firmware/README.md) and copy firmware.bin and manifest.json into public/firmware/.',
    );
    await expect(page.locator('esp-web-install-button')).toHaveCount(0);

    // What a PlatformIO build leaves, copied in by the host: a 4-byte stand-in image and the manifest the real
    // post-build step writes for it.
    mkdirSync(join(site, 'firmware'));
    writeFileSync(join(site, 'firmware', 'firmware.bin'), Buffer.from([0xe9, 0x01, 0x02, 0x03]));
    execFileSync('python3', [join(repoRoot, 'firmware/scripts/esp_web_tools_manifest.py'), join(site, 'firmware'), '0.1.0']);
    await page.reload();
    await expect(firmware.getByRole('status')).toHaveText('Firmware on this site: Hearth thermostat 0.1.0.');
    await expect(page.locator('esp-web-install-button')).toHaveAttribute('install-supported', '');
    await firmware.getByRole('button', { name: 'Install Hearth thermostat 0.1.0' }).click();

    // ESP Web Tools' own dialog, on the thermostat's port: install and its console, and no Wi-Fi step of its own.
    const dialog = page.locator('ewt-install-dialog');
    await expect(dialog.getByText('Install Hearth thermostat', { exact: true })).toBeVisible();
    await expect(dialog.getByText('Connect to Wi-Fi')).toHaveCount(0);
    expect(thermostatOnCable.openedWith).toEqual([115200]);
    await dialog.getByText('Install Hearth thermostat', { exact: true }).click();
    await expect(dialog.getByText(/Do you want to erase the device before installing\s+Hearth thermostat\?/)).toBeVisible();
    await dialog.getByText('Back', { exact: true }).click();
    await dialog.getByText('Logs & Console').click();
    const input = dialog.locator('ewt-console input');
    await input.fill('help');
    await input.press('Enter');
    await expect(dialog.locator('ewt-console')).toContainText('ok commands: help');
    await dialog.getByText('Back', { exact: true }).click();
    await dialog.locator('ew-icon-button').click();
    await expect(dialog).toHaveCount(0);

    // The page hands over to the app's set-up, which opens the port ESP Web Tools let go of.
    await page.getByRole('link', { name: 'Set up a new thermostat' }).click();
    const setup = page.getByRole('dialog', { name: 'Set up a new thermostat' });
    // At a loopback address the app asks first whether the thermostat runs on this computer (e2e/setup.spec.ts).
    await setup.getByRole('checkbox', { name: 'Continue anyway: the thermostat runs on this computer (a simulator)' }).check();
    await setup.getByRole('button', { name: 'Connect' }).click();
    await expect(setup.getByRole('radiogroup', { name: 'Networks the thermostat sees' }).getByRole('radio', { name: 'Hearth Lab' })).toBeVisible();
    expect(new URL(page.url()).hash).toBe('');

    expect(blocked).toEqual([]);
  } finally {
    await broker.stop();
  }
});
