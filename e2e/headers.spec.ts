import type { BrowserContext, Response } from '@playwright/test';
import { test, expect } from './fixtures/index.ts';
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
  const screen = await app.pair(page);
  await expectStrictPolicy(await firstDocument, 'the document from the broker');

  // The main screens, each with its own lazy chunk: thermostat, geofence card, history chart, settings.
  await screen.increaseTarget.click();
  await expect(screen.target).not.toHaveAttribute('aria-busy', 'true');
  await expect(screen.geofence).toBeVisible();
  await expect(page.getByText('Last 24 hours', { exact: false })).toBeVisible();
  await screen.changeSettings(async (settings) => {
    await settings.getByLabel('Your name').fill('Ada');
    // Geolocation is the one powerful feature the Permissions-Policy grants the app.
    await settings.getByRole('button', { name: 'Use my current position' }).click();
    await expect(settings.getByLabel('Home latitude')).toHaveValue(new RegExp(`^${HOME.latitude.toFixed(3).replace('.', '\\.')}`));
    await settings.getByLabel('Radius (km)').fill('1');
    await settings.getByRole('button', { name: 'Share pairing link' }).click();
    await expect(settings.getByText(/^Link (copied|shared)\./)).toBeVisible();
  });
  await screen.geofence.check();
  await expect(screen.geofence).toBeChecked();

  // The service worker installs under the policy, and the document it serves from its cache carries it too.
  await expect(page.getByRole('status').filter({ hasText: 'Ready to work offline' })).toBeVisible({ timeout: 20_000 });
  const fromCache = await page.reload();
  expect(fromCache?.fromServiceWorker()).toBe(true);
  await expectStrictPolicy(fromCache, 'the document from the service worker');
  await expect.poll(() => page.evaluate(() => (globalThis as unknown as InPage).navigator.serviceWorker.controller !== null)).toBe(true);
  await screen.expectLive();
  await expect(page.getByText('Last 24 hours', { exact: false })).toBeVisible();

  expect(blocked).toEqual([]);

  // Chromium refuses to show the app inside another page's frame (frame-ancestors 'none').
  const framing = await context.newPage();
  const refusal = framing.waitForEvent('console', (message) => /frame-ancestors/.test(message.text()));
  await framing.setContent(`<iframe title="app" src="${broker.httpUrl}/"></iframe>`);
  expect((await refusal).text()).toContain("frame-ancestors 'none'");
  await expect(framing.frameLocator('iframe').getByRole('status', { name: 'Connection' })).toHaveCount(0);
  await framing.close();
});
