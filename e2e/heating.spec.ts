import { test, expect, celsius, expectAccessible } from './fixtures/index.ts';

// One simulated minute per two real seconds: the room heats by a degree in a few seconds.
test.use({ simSpeed: 30 });

test('a new member pairs from the printed link, raises the target by 1 °C and the room heats up to it', async ({
  page,
  app,
  thermostat,
}) => {
  // A mild day and a room inside the switching band: the heater stays off until the target moves.
  await thermostat.control('outside 20');
  await thermostat.control('room 20.1');

  // The link it printed as it started: an invitation, as `npm start` shows it.
  const screen = await app.pair(page, { link: thermostat.pairLink, whileAdding: () => expectAccessible(page, 'pairing dialog') });
  await expectAccessible(page, 'paired thermostat screen');
  const before = await thermostat.state();
  expect(before.target).toBe(20);
  await expect(screen.target).toHaveAttribute('aria-valuetext', celsius(20));
  await expect.poll(async () => Math.abs((await screen.shownTemperature()) - ((await thermostat.state()).temperature ?? NaN))).toBeLessThan(0.3);

  // Pending until the thermostat confirms: the user sees that it is on its way. The thermostat is held still
  // meanwhile, or its answer could come before the check.
  await thermostat.whileFrozen(async () => {
    await screen.increaseTarget.click();
    await screen.increaseTarget.click();
    await expect(screen.target).toHaveAttribute('aria-busy', 'true');
    await expect(page.getByText('Sending…')).toBeVisible();
  });
  await screen.expectConfirmedTarget(21);
  expect((await thermostat.state()).target).toBe(21);
  await expect(screen.held).toHaveText(new RegExp(`^Holding ${celsius(21).source.slice(1, -1)} · comfort$`));
  expect(await thermostat.state()).toMatchObject({ setpoint: 21, setpoint_source: 'comfort' });

  await expect(screen.heater).toHaveText('On', { timeout: 20_000 });
  expect((await thermostat.state()).heater).toBe(true);

  // Off only once the room has passed target + hysteresis (21 + 0.3).
  await expect.poll(async () => (await thermostat.state()).heater, { timeout: 60_000, intervals: [100] }).toBe(false);
  const afterSwitchOff = await thermostat.state();
  expect(afterSwitchOff.temperature).toBeGreaterThanOrEqual(21.2);
  await expect(screen.heater).toHaveText('Off');
  await expect.poll(() => screen.shownTemperature()).toBeGreaterThanOrEqual(21.1);

  // Settings in both themes; Escape closes it, and the keyboard is back on the button that opened it.
  await screen.settingsButton.click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await expect(settings).toBeVisible();
  await expectAccessible(page, 'settings dialog');
  await page.emulateMedia({ colorScheme: 'dark' });
  await expectAccessible(page, 'settings dialog, dark');
  await page.keyboard.press('Escape');
  await expect(settings).toBeHidden();
  await expect(screen.settingsButton).toBeFocused();
});

test('when the sensor fails the app warns and shows the heater held off, and recovers with it', async ({
  page,
  app,
  thermostat,
}) => {
  await thermostat.control('room 18');
  const screen = await app.pair(page);
  await expect(screen.heater).toHaveText('On', { timeout: 20_000 });
  await expect(screen.sensorAlert).toBeHidden();

  await thermostat.control('sensor fail');
  await expect(screen.sensorAlert).toBeVisible({ timeout: 20_000 });
  await expect(screen.sensorAlert).toContainText('heater is held off');
  await expect(screen.heater).toHaveText('Off');
  await expect(screen.heater).toHaveAccessibleDescription('Not heating: no good reading from the sensor');
  await expect(screen.held).toHaveText('Holding nothing: heater held off');
  const failed = await thermostat.state();
  expect(failed).toMatchObject({
    sensor_ok: false,
    heater: false,
    temperature: null,
    setpoint: null,
    setpoint_source: 'none',
    heat_reason: 'no_reading',
  });

  await thermostat.control('sensor ok');
  await expect(screen.sensorAlert).toBeHidden({ timeout: 20_000 });
  await expect(screen.currentTemperature).toHaveText(/\d\s?°C/);
  // The room is still cold, so heating resumes once the relay's minimum off time has passed.
  await expect(screen.heater).toHaveText('On', { timeout: 20_000 });
});
