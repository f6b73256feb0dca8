import { test, expect, expectAccessible } from './fixtures/index.ts';

/** What an app must see at the latest once a thermostat falls silent: 65 s without a STATE, then 5 s for an answer ("Sessions and replay"). */
const KNOWN_WITHIN_MS = 70_000;

test('a thermostat that goes away looks old and says so within 70 s, and a broker that goes away is named as the broker', async ({
  page,
  app,
  broker,
  thermostat,
}) => {
  // The page's timers run on Playwright's clock, so the app's 65 s of silence pass at once; time flows as usual otherwise.
  await page.clock.install();
  const screen = await app.pair(page);
  const readings = page.getByRole('region', { name: 'Readings' });
  await expect(screen.lastUpdate).toHaveText(/^Updated /);
  await expect(screen.currentTemperature).not.toHaveCSS('text-decoration-line', 'line-through');

  await thermostat.stop();
  await page.clock.fastForward(KNOWN_WITHIN_MS);
  // The app asked once its STATE was 65 s old; the broker answered that the thermostat is not connected.
  await expect(screen.connection).toHaveText(/^Thermostat offline/, { timeout: 10_000 });
  await expect(screen.lastUpdate).toHaveText(/^Last heard 1 min ago — thermostat offline$/);
  await expect(screen.currentTemperature).toHaveCSS('text-decoration-line', 'line-through');
  await expect(screen.currentTemperature).toHaveAccessibleDescription(/— thermostat offline$/);
  // What the heater did is told in the past tense, described by its age and why, like the temperature.
  await expect(screen.heater).toHaveText(/^Was (on|off)$/);
  await expect(screen.heater).toHaveAccessibleDescription(/— thermostat offline$/);
  await expect(readings).toHaveCSS('border-top-style', 'dashed');
  await expectAccessible(page, 'thermostat offline');

  await broker.stop();
  await expect(screen.connection).toHaveText(/^Broker unreachable/, { timeout: 20_000 });
  await expect(screen.lastUpdate).toHaveText(/— cannot reach the broker$/);
  // A change waits for the thermostat and says so; a boost, which runs from when it is taken, cannot be started.
  await expect(screen.overridesCard.getByRole('button', { name: 'Boost' })).toBeDisabled();
  await screen.increaseTarget.click();
  await expect(screen.targetCard.getByText('Will send when the broker is reachable')).toBeVisible();
  await expect(page.getByText('Sending…')).toBeHidden();
});
