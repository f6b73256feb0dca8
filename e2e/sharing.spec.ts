import type { Browser, Locator, Page } from '@playwright/test';
import { expectAccessible, test, expect } from './fixtures/index.ts';
import { ThermostatScreen } from './fixtures/thermostat-screen.ts';

/** The Household card's "Invite someone", as a member does: resolves with the invitation region. */
async function invite(page: Page): Promise<Locator> {
  const card = page.getByRole('region', { name: 'Household', exact: true });
  await card.getByRole('button', { name: 'Invite someone' }).click();
  const invitation = card.getByRole('region', { name: 'Invitation', exact: true });
  await expect(invitation.getByText(/#pair=/)).toBeVisible();
  return invitation;
}

/** A phone that has never seen Hearth: a new browser context on the app's first screen. */
async function newPhone(browser: Browser, baseURL: string | undefined): Promise<Page> {
  const context = await browser.newContext({ baseURL, serviceWorkers: 'allow' });
  const page = await context.newPage();
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Welcome to Hearth' })).toBeVisible();
  return page;
}

test('sharing: a second phone joins by scanning the invitation’s QR code, offered the thermostat’s name; a third moves in with a passphrase-protected file', async ({
  page,
  app,
  thermostat,
  browser,
  baseURL,
}) => {
  test.slow();
  // Ana's phone calls the thermostat Living room; her invitation says so, as words and in its link.
  const ana = await app.pair(page, { thermostatName: 'Living room', memberName: 'Ana' });
  const invitation = await invite(page);
  await expect(invitation).toContainText('To join Living room');
  await expect(invitation.getByText(/#pair=/)).toHaveText(new RegExp(`#pair=${thermostat.id}\\.[A-Za-z0-9_-]{43}&name=Living%20room$`));
  await invitation.getByRole('button', { name: 'Show QR code' }).click();
  const code = invitation.getByRole('img', { name: 'QR code of the invitation to Living room' });
  await expect(code).toBeVisible();
  await expectAccessible(page, 'invitation with its QR code');
  // What the second phone's camera would see: the code as it is on Ana's screen, in the middle of it, clear of any
  // notice pinned to the bottom of the window.
  await code.evaluate((element) => element.scrollIntoView({ block: 'center' }));
  const photo = await code.screenshot();
  await test.info().attach('invitation QR code.png', { body: photo, contentType: 'image/png' });

  // Ben's phone scans it from a photo: the link never enters his address bar or history.
  const ben = await newPhone(browser, baseURL);
  await ben.getByRole('button', { name: 'Add thermostat' }).click();
  const adding = ben.getByRole('dialog', { name: 'Add thermostat' });
  await adding.getByLabel('Scan from a photo').setInputFiles({ name: 'invitation.png', mimeType: 'image/png', buffer: photo });
  await expect(adding.getByRole('textbox', { name: 'Pairing link' })).toHaveValue(new RegExp(`#pair=${thermostat.id}\\.`));
  await expect(adding.getByRole('textbox', { name: 'Thermostat name' })).toHaveValue('Living room');
  await expectAccessible(ben, 'pairing dialog after a scan');
  await adding.getByRole('button', { name: 'Add' }).click();
  await expect(adding).toBeHidden();
  const bensScreen = new ThermostatScreen(ben);
  await bensScreen.expectLive();
  // Scanned inside the app: the link was never in his address bar, so never in his browser's history.
  expect(ben.url()).not.toContain('pair=');
  // A link opened in the address bar is taken out of it at once, and Back does not bring it back.
  const otherThermostat = 'Q6iTIJWV4zn_64zH2sbXMa';
  await ben.goto(`/#pair=${otherThermostat}.${'k'.repeat(42)}A`);
  const fromAddressBar = ben.getByRole('dialog', { name: 'Add thermostat' });
  await expect(fromAddressBar.getByText(`ID ${otherThermostat}`)).toBeVisible();
  expect(ben.url()).not.toContain('pair=');
  await fromAddressBar.getByRole('button', { name: 'Cancel' }).click();
  await ben.goBack();
  expect(ben.url()).not.toContain('pair=');
  await expect(ben.getByRole('dialog', { name: 'Add thermostat' })).toBeHidden();

  // Ana's card asks the thermostat again while its invitation waits, and closes it once Ben's phone joined.
  await expect(invitation).toBeHidden({ timeout: 30_000 });
  await expect(page.getByRole('region', { name: 'Household', exact: true })).toContainText('joined.');
  // She makes another one, for her own new phone, and puts it in a file.
  await invite(page);
  await ana.settingsButton.click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await settings.getByRole('button', { name: 'Move to a new phone' }).click();
  const moving = page.getByRole('dialog', { name: 'Move to a new phone' });
  await expect(moving.getByRole('list', { name: 'In the file' })).toContainText('Living room: the invitation this phone made: the new phone can join it once, until');
  await moving.getByLabel('Passphrase for the file').fill('our long passphrase');
  await moving.getByLabel('Passphrase again').fill('our long passphrase');
  await moving.getByRole('button', { name: 'Make the file' }).click();
  const [download] = await Promise.all([page.waitForEvent('download'), moving.getByRole('link', { name: 'Save hearth-pairings.json' }).click()]);
  const file = await download.path();
  await expectAccessible(page, 'move to a new phone, file made');
  await moving.getByRole('button', { name: 'Close' }).click();
  await settings.getByRole('button', { name: 'Cancel' }).click();

  // Her new phone opens the file: a wrong passphrase is said as such, the right one adds Living room, which it joins.
  const newPhoneOfAna = await newPhone(browser, baseURL);
  await newPhoneOfAna.getByRole('button', { name: 'Settings' }).click();
  const itsSettings = newPhoneOfAna.getByRole('dialog', { name: 'Settings' });
  await itsSettings.getByRole('button', { name: 'Move to a new phone' }).click();
  const opening = newPhoneOfAna.getByRole('dialog', { name: 'Move to a new phone' });
  await opening.getByLabel('Pairings file', { exact: true }).setInputFiles(file);
  await opening.getByLabel('Passphrase of the file').fill('not our passphrase');
  await opening.getByRole('button', { name: 'Open file' }).click();
  await expect(opening.getByRole('alert')).toHaveText('Wrong passphrase or damaged file.');
  await opening.getByLabel('Passphrase of the file').fill('our long passphrase');
  await opening.getByRole('button', { name: 'Open file' }).click();
  await expect(opening.getByText('To add: Living room.')).toBeVisible();
  await opening.getByRole('button', { name: 'Add to this app' }).click();
  await expect(opening.getByRole('status').filter({ hasText: 'Added Living room.' })).toBeVisible();
  await opening.getByRole('button', { name: 'Close' }).click();
  await itsSettings.getByRole('button', { name: 'Cancel' }).click();
  await new ThermostatScreen(newPhoneOfAna).expectLive();
  const household = newPhoneOfAna.getByRole('region', { name: 'Household', exact: true });
  await expect(household.getByRole('list', { name: 'Household', exact: true }).getByRole('listitem')).toHaveCount(3);
});
