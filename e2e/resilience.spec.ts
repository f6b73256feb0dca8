import type { Page } from '@playwright/test';
import { test, expect, SERVICE_WORKER_WAIT_MS } from './fixtures/index.ts';
import type { InPage } from './fixtures/in-page.ts';
import { AppTraffic } from './fixtures/app-traffic.ts';

/** Marks the document so a later check can tell that it was never reloaded. */
async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => {
    (globalThis as unknown as InPage).document.documentElement.dataset['e2eSameDocument'] = 'yes';
  });
}

async function isSameDocument(page: Page): Promise<boolean> {
  return page.evaluate(() => (globalThis as unknown as InPage).document.documentElement.dataset['e2eSameDocument'] === 'yes');
}

test('the app and the thermostat ride out a broker restart and a thermostat reboot without a reload', async ({
  page,
  app,
  brokerNodes,
  thermostat,
}) => {
  const traffic = new AppTraffic(page);
  const screen = await app.pair(page);
  await traffic.learnMemberKeys();
  await markDocument(page);
  // A still room, so every change on screen comes from what the test does.
  await thermostat.control('outside 20');
  await thermostat.control('room 20');

  // A broker of several nodes restarts one node after the other (docs/scaling.md, "A rolling restart"): the app's,
  // then the thermostat's once the app is back on its own. Each knows only its own node here, as without HAProxy.
  const beforeRestart = thermostat.process.lineCount;
  for (const node of brokerNodes) {
    await node.restart();
    await expect(screen.connection).toHaveText(/^Connected/, { timeout: 40_000 });
  }
  await thermostat.waitForOffline(beforeRestart);
  await thermostat.waitForOnline(beforeRestart, 20_000);
  await expect(screen.connection).toHaveText(/^Connected/, { timeout: 40_000 });

  // Live state flows again: the thermostat pushes the warmer room on its own.
  await thermostat.control('room 23');
  await expect.poll(() => screen.shownTemperature(), { timeout: 20_000 }).toBeGreaterThan(22.5);
  expect(await isSameDocument(page)).toBe(true);

  // A power cycle: the thermostat forgets its sessions; the app's next command meets stale_session.
  const beforeReboot = thermostat.process.lineCount;
  await thermostat.control('reboot');
  await thermostat.waitForOnline(beforeReboot, 20_000);
  expect((await thermostat.state()).sessions).toBe(0);

  const staleSessionErrors = (): number =>
    traffic.receivedMessages().filter(({ message }) => message.type === 'ERROR' && message.code === 'stale_session').length;
  expect(staleSessionErrors()).toBe(0);
  await screen.increaseTarget.click();
  await screen.expectConfirmedTarget(20.5, 20_000);
  expect(staleSessionErrors(), 'the app recovered through stale_session').toBe(1);
  expect((await thermostat.state()).target).toBe(20.5);
  await expect(screen.connection).toHaveText(/^Connected/);

  // And the new session receives pushes again.
  await thermostat.control('room 18');
  await expect.poll(() => screen.shownTemperature(), { timeout: 20_000 }).toBeLessThan(18.5);
  expect(await isSameDocument(page)).toBe(true);
});

test('offline: the installed app still opens with the last state and its age, and reconnects by itself', async ({
  context,
  page,
  appScreen: screen,
  thermostat,
}) => {
  await thermostat.control('outside 20');
  await thermostat.control('room 20');
  await expect(page.getByRole('status').filter({ hasText: 'Ready to work offline' })).toBeVisible({ timeout: SERVICE_WORKER_WAIT_MS });

  await context.setOffline(true);
  const lastTemperature = (await screen.currentTemperature.textContent()) ?? '';
  const lastTarget = (await screen.target.getAttribute('aria-valuetext')) ?? '';
  expect(lastTemperature).toMatch(/\d\s?°C/);

  await page.reload();
  await expect(screen.connection).toHaveText(/^Offline/);
  await expect(screen.currentTemperature).toHaveText(lastTemperature);
  await expect(screen.target).toHaveAttribute('aria-valuetext', lastTarget);
  await expect(screen.lastUpdate).toHaveText(/^Last heard (just now|\d+ (s|min|h|d) ago) — no network on this device$/);

  await context.setOffline(false);
  await expect(screen.connection).toHaveText(/^Connected/, { timeout: 40_000 });
  await thermostat.control('room 22');
  await expect.poll(() => screen.shownTemperature(), { timeout: 20_000 }).toBeGreaterThan(21.5);
});
