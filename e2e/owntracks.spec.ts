/**
 * Presence with the app closed (docs/protocol.md, "Presence from OwnTracks"): the member sets OwnTracks up in
 * the app, the configuration link the app offers sets up a test OwnTracks phone (scripts/owntracks-phone.ts),
 * and the phone's sealed reports, through the real broker to the simulated thermostat, show in the app.
 */
import type { BrowserContext, Locator } from '@playwright/test';
import { test, expect, type ThermostatScreen } from './fixtures/index.ts';
import { HOME, placeBrowser } from './fixtures/geo.ts';
import { OwntracksPhone } from '../scripts/owntracks-phone.ts';
import { SimulatedThermostat } from '../scripts/system/thermostat.ts';
import { owntracksIngressPath, parseOwntracksConfigLink } from '../protocol/index.ts';

// The 180 s a leave must stand pass in 6 s.
test.use({ simSpeed: 30 });
const LEAVE_STOOD = { timeout: 30_000 };

/** Home where the browser is, and the member's name: what the section needs before it offers set-up. */
async function chooseHome(context: BrowserContext, screen: ThermostatScreen, name: string): Promise<void> {
  await context.grantPermissions(['geolocation']);
  await placeBrowser(context, { distance: 0, accuracy: 20 });
  await screen.changeSettings(async (settings) => {
    await settings.getByLabel('Your name').fill(name);
    await settings.getByRole('button', { name: 'Use my current position' }).click();
    await expect(settings.getByLabel('Home latitude')).toHaveValue(new RegExp(`^${HOME.latitude.toFixed(3).replace('.', '\\.')}`));
  });
}

const owntracksSection = (screen: ThermostatScreen): Locator => screen.page.getByRole('region', { name: 'Keep working when the app is closed' });

/** The link the app offers, once every thermostat named has confirmed the secret. */
async function offeredLink(section: Locator, thermostatNames: string[]): Promise<string> {
  const answers = section.getByRole('list', { name: 'OwnTracks secret on each thermostat' });
  for (const name of thermostatNames) await expect(answers.getByRole('listitem').filter({ hasText: name })).toHaveText(`${name}: has the secret`);
  const link = section.getByRole('link', { name: 'Open in OwnTracks' });
  await expect(link).toHaveAttribute('href', /^owntracks:\/\/\/config\?inline=/);
  return (await link.getAttribute('href')) as string;
}

/** The member's line in the members list. */
const memberLine = (screen: ThermostatScreen, name: string): Locator => screen.members.getByRole('listitem').filter({ hasText: name });

test('OwnTracks: set up in the app, its link sets the phone up, and the phone tells the house when the member leaves and comes back', async ({
  context,
  page,
  app,
  thermostat,
  broker,
}) => {
  const screen = await app.pair(page);
  await chooseHome(context, screen, 'Ana Lopez');
  const section = owntracksSection(screen);
  await section.getByRole('button', { name: 'Set up OwnTracks' }).click();
  const href = await offeredLink(section, ['Living room']);
  // What the person does in OwnTracks: allow configuration by link, open it, allow location "Always".
  await expect(section.getByRole('list', { name: 'Steps in OwnTracks' }).getByRole('listitem')).toHaveCount(3);
  // The code holds the secret: it shows only when asked for.
  await expect(section.getByRole('img', { name: 'QR code of the OwnTracks link' })).toHaveCount(0);
  await section.getByRole('button', { name: 'Show QR code' }).click();
  await expect(section.getByRole('img', { name: 'QR code of the OwnTracks link' })).toBeVisible();

  // The thermostat holds exactly one member's secret: this app's.
  await expect.poll(async () => (await thermostat.state()).owntracks).toHaveLength(1);
  const [member] = (await thermostat.state()).owntracks as [string];
  const parsed = parseOwntracksConfigLink(href);
  if (!parsed.ok) throw new Error(`the offered link does not read: ${parsed.message}`);
  const configuration = parsed.value;
  expect(configuration).toMatchObject({
    _type: 'configuration',
    mode: 3,
    cmd: false,
    remoteConfiguration: false,
    auth: false,
    tid: 'AL',
    url: new URL(owntracksIngressPath(member, [thermostat.id]), broker.httpUrl).href,
    encryptionKey: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
  });
  const [region] = configuration.waypoints;
  expect(region).toMatchObject({ _type: 'waypoint', desc: 'Hearth' });
  expect(region.lat).toBeCloseTo(HOME.latitude, 4);
  expect(region.lon).toBeCloseTo(HOME.longitude, 4);
  expect(region.rad).toBeGreaterThanOrEqual(150);
  expect(region.rad).toBeLessThanOrEqual(200);
  await expect(section.getByText(`OwnTracks watches a circle of ${region.rad} m around your home`)).toBeVisible();

  const phone = await OwntracksPhone.fromLink(href, 'ios');
  for (const answer of await phone.enter()) expect(answer.status).toBe(200);
  await expect(memberLine(screen, 'Ana Lopez')).toContainText(/Home.*via OwnTracks/);
  await expect(screen.regime).toHaveText('Home');

  phone.now += 600;
  for (const answer of await phone.leave()) expect(answer.status).toBe(200);
  await expect(memberLine(screen, 'Ana Lopez')).toContainText(/Away.*via OwnTracks/, LEAVE_STOOD);
  await expect(screen.regime).toHaveText('Away');

  phone.now += 3600;
  for (const answer of await phone.enter()) expect(answer.status).toBe(200);
  await expect(memberLine(screen, 'Ana Lopez')).toContainText(/Home.*via OwnTracks/);
  await expect(screen.regime).toHaveText('Home');

  // Turned off in the app, the thermostat forgets the secret: what the phone still sends opens no more.
  await section.getByRole('button', { name: 'Turn off OwnTracks' }).click();
  await expect(section.getByRole('list', { name: 'OwnTracks secret on each thermostat' })).toHaveText('Living room: has forgotten the secret');
  await expect.poll(async () => (await thermostat.state()).owntracks).toEqual([]);
  const beforeLeave = (await thermostat.state()).uptime_s;
  phone.now += 600;
  for (const answer of await phone.leave()) expect(answer.status).toBe(200);
  await expect.poll(async () => (await thermostat.state()).uptime_s, LEAVE_STOOD).toBeGreaterThan(beforeLeave + 240);
  await expect(memberLine(screen, 'Ana Lopez')).toContainText(/Home.*via OwnTracks/);
  await expect(screen.regime).toHaveText('Home');
});

test('OwnTracks in a household of two thermostats: the link names both, and an Android phone sends both away and home', async ({
  context,
  page,
  app,
  thermostat,
  hall,
}) => {
  await app.pair(page, { from: hall, thermostatName: 'Hall' });
  const screen = await app.pair(page);
  await chooseHome(context, screen, 'Ben');
  const section = owntracksSection(screen);
  await section.getByRole('button', { name: 'Set up OwnTracks' }).click();
  const href = await offeredLink(section, ['Hall', 'Living room']);
  const parsed = parseOwntracksConfigLink(href);
  if (!parsed.ok) throw new Error(`the offered link does not read: ${parsed.message}`);
  const path = new URL(parsed.value.url).pathname.split('/');
  expect(path.slice(4).sort()).toEqual([thermostat.id, hall.id].sort());

  const phone = await OwntracksPhone.fromLink(href, 'android');
  const presence = async (on: SimulatedThermostat): Promise<string> => {
    const [member] = (await on.state()).members;
    return member === undefined ? 'none' : `${member.home ? 'home' : 'away'} via ${member.source}`;
  };
  for (const answer of await phone.enter()) expect(answer.status).toBe(200);
  await expect.poll(() => presence(hall)).toBe('home via owntracks');
  await expect(memberLine(screen, 'Ben')).toContainText(/Home.*via OwnTracks/);

  phone.now += 600;
  for (const answer of await phone.leave()) expect(answer.status).toBe(200);
  await expect(memberLine(screen, 'Ben')).toContainText(/Away.*via OwnTracks/, LEAVE_STOOD);
  await expect(screen.regime).toHaveText('Away');
  await expect.poll(() => presence(hall), LEAVE_STOOD).toBe('away via owntracks');
  await expect.poll(async () => (await hall.state()).regime).toBe('away');

  phone.now += 3600;
  for (const answer of await phone.enter()) expect(answer.status).toBe(200);
  await expect(screen.regime).toHaveText('Home');
  await expect.poll(async () => (await hall.state()).regime).toBe('home');
});
