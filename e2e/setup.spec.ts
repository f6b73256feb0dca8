import { test, expect, expectAccessible, ThermostatScreen, withoutWebSerial } from './fixtures/index.ts';

test('a new thermostat is set up from the browser over USB: a wrong password is explained, the right one pairs it and it goes live; set up again on the same cable it is added as it is, the same thermostat under its name', async ({
  page,
  thermostatOnCable,
  browser,
  baseURL,
}) => {
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Set up a new thermostat' })).toBeVisible();
  await expectAccessible(page, 'welcome screen');
  await page.getByRole('button', { name: 'Set up a new thermostat' }).click();
  const setup = page.getByRole('dialog', { name: 'Set up a new thermostat' });
  // The app is open at a loopback address: a real thermostat could not reach it, the simulator on this computer does.
  await expect(setup.getByText(/^This app is open at .*: a thermostat cannot reach that address\./)).toBeVisible();
  await expect(setup.getByRole('button', { name: 'Connect' })).toBeDisabled();
  const goOnAnyway = setup.getByRole('checkbox', { name: 'Continue anyway: the thermostat runs on this computer (a simulator)' });
  await expectAccessible(page, 'setup dialog');
  await goOnAnyway.check();
  await setup.getByRole('button', { name: 'Connect' }).click();

  // The thermostat tells who it is and which networks it sees.
  const found = setup.getByRole('region', { name: 'Thermostat found' });
  await expect(found).toContainText('Hearth');
  await expect(found).toContainText('ESP8266');
  const networks = setup.getByRole('radiogroup', { name: 'Networks the thermostat sees' });
  await expect(networks.getByRole('radio', { name: 'Hearth Lab' })).toBeVisible();
  await expect(networks.getByRole('radio', { name: 'Neighbours' })).toBeVisible();
  await expect.poll(() => thermostatOnCable.openedWith).toEqual([115200]);

  await networks.getByRole('radio', { name: 'Hearth Lab' }).check();
  const password = setup.getByLabel('Wi-Fi password');
  await password.fill('wrong horse');
  await setup.getByRole('button', { name: 'Connect' }).click();
  await expect(setup.getByRole('alert')).toHaveText('The thermostat could not join Hearth Lab. Check the password.');
  await expectAccessible(page, 'setup dialog with the networks and a wrong password');

  await password.fill('correct horse');
  await setup.getByRole('textbox', { name: 'Thermostat name' }).fill('Hall');
  await setup.getByRole('button', { name: 'Connect' }).click();
  // Done, once there, has the focus; the step's one status says what happened.
  await expect(setup.getByRole('button', { name: 'Done' })).toBeFocused({ timeout: 30_000 });
  await expect(setup.getByRole('status')).toHaveText('Hall is set up and paired with this app.');
  await thermostatOnCable.waitForOnline();
  await setup.getByRole('button', { name: 'Done' }).click();
  await expect(setup).toBeHidden();

  const screen = new ThermostatScreen(page);
  await expect(page.getByRole('heading', { name: 'Hall' })).toBeVisible();
  await screen.expectLive();

  // Set up again on the same cable: the port opens a second time, the thermostat says it is on Wi-Fi already, and
  // added as it is it stays the one thermostat, under the name it has (nothing typed). Its link is a new invitation
  // each time: the app, a member already with a key of its own, keeps that key and leaves the invitation unused.
  await page.getByRole('button', { name: 'Add thermostat' }).click();
  await expect(page.getByRole('dialog', { name: 'Add thermostat' })).toBeVisible();
  await expectAccessible(page, 'add-thermostat dialog without a link');
  await page.getByRole('dialog', { name: 'Add thermostat' }).getByRole('button', { name: 'Set up a new thermostat' }).click();
  await goOnAnyway.check();
  await setup.getByRole('button', { name: 'Connect' }).click();
  await expect(setup.getByText('This thermostat is already on a Wi-Fi network.', { exact: false })).toBeVisible();
  await setup.getByRole('button', { name: 'Add it as it is' }).click();
  await expect(setup.getByRole('button', { name: 'Done' })).toBeFocused();
  await expect(setup.getByRole('status')).toHaveText('Hall is set up and paired with this app.');
  await expect(setup).toContainText('This phone is a member of Hall already, with a key of its own: it needs no invitation.');
  await setup.getByRole('button', { name: 'Done' }).click();
  await expect(setup).toBeHidden();
  await expect.poll(() => thermostatOnCable.openedWith).toEqual([115200, 115200]);
  await expect(page.getByRole('heading', { name: 'Hall' })).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Thermostat' })).toHaveCount(0);
  await screen.expectLive();

  // The same app in a browser without Web Serial says what to use instead.
  const elsewhere = await browser.newContext({ baseURL });
  await withoutWebSerial(elsewhere);
  const other = await elsewhere.newPage();
  await other.goto('/');
  await other.getByRole('button', { name: 'Set up a new thermostat' }).click();
  const noSerial = other.getByRole('dialog', { name: 'Set up a new thermostat' });
  await expect(noSerial.getByRole('alert')).toHaveText('This browser cannot talk to a thermostat over USB: it has no Web Serial.');
  await expect(noSerial).toContainText('Chrome or Edge on a desktop or laptop computer');
  await expect(noSerial.getByRole('button', { name: 'Connect' })).toHaveCount(0);
  await elsewhere.close();
});
