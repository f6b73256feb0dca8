import type { BrowserContext } from '@playwright/test';
import { test, expect, type ThermostatScreen } from './fixtures/index.ts';
import { AppTraffic } from './fixtures/app-traffic.ts';
import { HOME, placeBrowser, type Fix } from './fixtures/geo.ts';
import { SimulatedThermostat } from '../scripts/system/thermostat.ts';
import { formatDistance } from '../src/lib/format.ts';

const RADIUS_KM = 1;
const AT_HOME: Fix = { distance: 0, accuracy: 20 };
const FAR_AWAY: Fix = { distance: 30_000, accuracy: 30 };

/**
 * Leaving home on foot with a phone's real jitter: the fix wanders back and forth across the 1 km
 * radius and its accuracy swings between 30 and 150 m. One real crossing. Consecutive fixes differ
 * in the distance the app shows, so each can be seen to have been taken in.
 */
const WALK_OUT: Fix[] = [
  { distance: 400, accuracy: 30 },
  { distance: 800, accuracy: 60 },
  { distance: 950, accuracy: 120 },
  { distance: 1040, accuracy: 80 },
  { distance: 960, accuracy: 150 },
  { distance: 1120, accuracy: 60 },
  { distance: 990, accuracy: 100 },
  { distance: 1260, accuracy: 90 },
  { distance: 1180, accuracy: 40 },
  { distance: 1420, accuracy: 120 },
  { distance: 1340, accuracy: 70 },
  { distance: 1560, accuracy: 100 },
  { distance: 1490, accuracy: 50 },
  { distance: 1760, accuracy: 60 },
  { distance: 1680, accuracy: 150 },
  { distance: 2100, accuracy: 40 },
  { distance: 2600, accuracy: 30 },
];
/** Coming back the same way, just as noisily. */
const WALK_BACK: Fix[] = [
  { distance: 2200, accuracy: 40 },
  { distance: 1700, accuracy: 150 },
  { distance: 1440, accuracy: 100 },
  { distance: 1620, accuracy: 60 },
  { distance: 1200, accuracy: 120 },
  { distance: 1010, accuracy: 80 },
  { distance: 1080, accuracy: 40 },
  { distance: 940, accuracy: 150 },
  { distance: 990, accuracy: 30 },
  { distance: 880, accuracy: 140 },
  { distance: 700, accuracy: 60 },
  { distance: 300, accuracy: 30 },
];

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Moves the browser and waits until the app has taken the fix in: its Location status shows it. */
async function moveTo(context: BrowserContext, screen: ThermostatScreen, fix: Fix): Promise<void> {
  await placeBrowser(context, fix);
  const distance = escapeRegExp(formatDistance(fix.distance));
  const accuracy = escapeRegExp(formatDistance(fix.accuracy));
  await expect(screen.location).toHaveText(new RegExp(`· ${distance} from home · fix .*±${accuracy}$`));
}

/** Home is here, the radius 1 km, the geofence on: what a member does once on their phone. */
async function setUpGeofence(context: BrowserContext, screen: ThermostatScreen, memberName: string): Promise<void> {
  await context.grantPermissions(['geolocation']);
  await placeBrowser(context, AT_HOME);
  await screen.changeSettings(async (settings) => {
    await settings.getByLabel('Your name').fill(memberName);
    await settings.getByRole('button', { name: 'Use my current position' }).click();
    await expect(settings.getByLabel('Home latitude')).toHaveValue(new RegExp(`^${HOME.latitude.toFixed(3).replace('.', '\\.')}`));
    await expect(settings.getByLabel('Home longitude')).toHaveValue(new RegExp(`^${HOME.longitude.toFixed(3).replace('.', '\\.')}`));
    await settings.getByLabel('Radius (km)').fill(String(RADIUS_KM));
  });
  await screen.geofence.check();
  await expect(screen.geofence).toBeChecked();
}

async function memberPresence(thermostat: SimulatedThermostat): Promise<Record<string, boolean>> {
  const state = await thermostat.state();
  return Object.fromEntries(state.members.map((member) => [member.name, member.home]));
}

async function regime(thermostat: SimulatedThermostat): Promise<string> {
  return (await thermostat.state()).regime;
}

test('geofence: leaving sends the thermostat to away, coming back brings it home, and jitter never makes it flap', async ({
  context,
  page,
  app,
  thermostat,
}) => {
  const traffic = new AppTraffic(page);
  const screen = await app.pair(page);
  await traffic.learnMemberKeys();
  await setUpGeofence(context, screen, 'Ana');
  await expect.poll(() => memberPresence(thermostat)).toEqual({ Ana: true });
  await expect(screen.regime).toHaveText('Home');

  await moveTo(context, screen, FAR_AWAY);
  await expect(screen.regime).toHaveText('Away');
  await expect.poll(() => regime(thermostat)).toBe('away');
  await expect.poll(() => memberPresence(thermostat)).toEqual({ Ana: false });

  await moveTo(context, screen, AT_HOME);
  await expect(screen.regime).toHaveText('Home');
  await expect.poll(() => regime(thermostat)).toBe('home');

  const changesBeforeWalk = traffic.homeDecisionChanges();
  for (const fix of WALK_OUT) await moveTo(context, screen, fix);
  await expect(screen.regime).toHaveText('Away');
  await expect.poll(() => regime(thermostat)).toBe('away');
  expect(traffic.homeDecisionChanges() - changesBeforeWalk, 'HOME_set decision changes walking out once').toBe(1);

  for (const fix of WALK_BACK) await moveTo(context, screen, fix);
  await expect(screen.regime).toHaveText('Home');
  await expect.poll(() => regime(thermostat)).toBe('home');
  expect(traffic.homeDecisionChanges() - changesBeforeWalk, 'HOME_set decision changes after walking out and back').toBe(2);
});

test('two members: the house stays home while anyone is home, and goes away when both have left', async ({
  context,
  page,
  app,
  thermostat,
}) => {
  const ana = await app.pair(page);
  await setUpGeofence(context, ana, 'Ana');
  const ben = await app.pairInNewContext({ thermostatName: 'Home' });
  await setUpGeofence(ben.context, ben.screen, 'Ben');
  await expect.poll(() => memberPresence(thermostat)).toEqual({ Ana: true, Ben: true });

  await moveTo(context, ana, FAR_AWAY);
  await expect.poll(() => memberPresence(thermostat)).toEqual({ Ana: false, Ben: true });
  await expect.poll(() => regime(thermostat)).toBe('home');
  await expect(ana.regime).toHaveText('Home');
  await expect(ben.screen.regime).toHaveText('Home');
  const anaInBensList = ben.screen.members.getByRole('listitem').filter({ hasText: 'Ana' });
  await expect(anaInBensList).toContainText('Away');

  await moveTo(ben.context, ben.screen, { distance: 12_000, accuracy: 25 });
  await expect.poll(() => memberPresence(thermostat)).toEqual({ Ana: false, Ben: false });
  await expect.poll(() => regime(thermostat)).toBe('away');
  await expect(ana.regime).toHaveText('Away');
  await expect(ben.screen.regime).toHaveText('Away');
  await expect(ana.members.getByRole('listitem').filter({ hasText: 'Ben' })).toContainText('Away');

  // One coming home is enough.
  await moveTo(context, ana, AT_HOME);
  await expect.poll(() => regime(thermostat)).toBe('home');
  await expect(ben.screen.regime).toHaveText('Home');
});

test('two thermostats in the house: leaving home sends both away, not only the one on screen', async ({
  context,
  page,
  app,
  thermostat,
  hall,
}) => {
  await app.pair(page, { from: hall, thermostatName: 'Hall' });
  // Paired last, the living room is the one on screen; the hall hears presence all the same.
  const screen = await app.pair(page);
  await setUpGeofence(context, screen, 'Ana');
  await expect.poll(() => memberPresence(thermostat)).toEqual({ Ana: true });
  await expect.poll(() => memberPresence(hall)).toEqual({ Ana: true });

  await moveTo(context, screen, FAR_AWAY);
  await expect.poll(() => regime(thermostat)).toBe('away');
  await expect.poll(() => regime(hall)).toBe('away');
  await expect.poll(() => memberPresence(hall)).toEqual({ Ana: false });
});
