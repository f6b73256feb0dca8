import type { Page } from '@playwright/test';
import { test, expect, expectAccessible } from './fixtures/index.ts';

/** The overview's card of the room named `name`: its heading is the button that opens it. */
function room(page: Page, name: string) {
  return page
    .getByRole('list', { name: 'Rooms' })
    .getByRole('listitem')
    .filter({ has: page.getByRole('heading', { name, exact: true }) });
}

test('two thermostats: both rooms at a glance, one opened and renamed, its settings named and checked at the field', async ({
  page,
  app,
  hall,
}) => {
  // Two pairings, a reload and two axe passes: more than one journey's worth of steps.
  test.slow();
  await app.pair(page, { from: hall, thermostatName: 'Hall' });
  const screen = await app.pair(page);

  // Paired last, the living room is on screen; the way back leads to every room.
  await page.getByRole('button', { name: 'All rooms' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'All rooms' })).toBeVisible();
  for (const name of ['Living room', 'Hall']) {
    await expect(room(page, name).getByLabel('Temperature', { exact: true })).toHaveText(/^\d+\.\d °C$/);
    await expect(room(page, name).getByLabel('Holding', { exact: true })).toHaveText(/°C$|^—$/);
    await expect(room(page, name).getByLabel('Heater', { exact: true })).toHaveText(/^(On|Off)$/);
    // Both live needs a session to every thermostat (H-LINK's household client); until it lands only the one last on
    // screen has a session, and no session status reaches the store at all.
    await expect(room(page, name).getByLabel('Status', { exact: true })).toHaveText('Live');
  }
  await expectAccessible(page, 'rooms overview');

  // With two thermostats the app opens on all of them.
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'All rooms' })).toBeVisible();
  await room(page, 'Hall').getByRole('button', { name: 'Hall' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Hall' })).toBeFocused();
  await expect(screen.currentTemperature).toHaveText(/°C$/);

  // Renamed from its heading; Enter keeps the name.
  await page.getByRole('button', { name: 'Rename Hall' }).click();
  await page.getByRole('textbox', { name: 'Thermostat name' }).fill('Landing');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Landing' })).toBeVisible();

  // Settings say which thermostat they change.
  await screen.settingsButton.click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await expect(settings.getByRole('heading', { name: 'Landing' })).toBeVisible();
  await expect(settings.getByRole('heading', { name: 'This app', exact: true })).toBeVisible();
  const away = settings.getByRole('textbox', { name: 'Away temperature' });

  // Out of range: the problem is at the field, and the field has the focus.
  await away.fill('40');
  await settings.getByRole('button', { name: 'Save' }).click();
  await expect(away).toBeFocused();
  await expect(away).toHaveAttribute('aria-invalid', 'true');
  await expect(away).toHaveAccessibleDescription(/^Type a temperature from 5 to 25 °C/);
  await expectAccessible(page, 'settings with an invalid field');

  // A comma is a decimal point: 15,5 is 15.5, not 155.
  await away.fill('15,5');
  await settings.getByRole('button', { name: 'Save' }).click();
  await expect(settings).toBeHidden();
  await expect.poll(async () => (await hall.state()).away_target).toBe(15.5);

  // Back on all the rooms, under its new name.
  await page.getByRole('button', { name: 'All rooms' }).click();
  await expect(room(page, 'Landing').getByLabel('Temperature', { exact: true })).toHaveText(/^\d+\.\d °C$/);
  await expect(room(page, 'Landing').getByRole('button', { name: 'Landing' })).toBeFocused();
  await expect(room(page, 'Hall')).toHaveCount(0);
});
