import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { encode } from 'uqr';
import { parseOwntracksConfigLink } from '@protocol';
import { appStore } from '@/stores/app-store';
import { GeofenceCard } from './geofence-card';

const OWN_ID = 'AnaAnaAnaAnaAnaAnaAnaA';
const KEY = 'heDmCLojfFJ7Yc_5_3iKaddIuPY_IUa1UQn136DerAs';
const LIVING = { id: 'LivingLivingLivingLivi', key: KEY, name: 'Living room' };
const HALL = { id: 'HallHallHallHallHallHa', key: KEY, name: 'Hall' };
const ATTIC = { id: 'AtticAtticAtticAtticAt', key: KEY, name: 'Attic' };
const HOME = { latitude: 52.37, longitude: 4.89 };

function household(brokerUrl: string | null = 'wss://hearth.example/ws') {
  const state = appStore.getState();
  state.addThermostat(LIVING);
  state.addThermostat(HALL);
  state.setOwnId(OWN_ID);
  state.updatePreferences({ brokerUrl, memberName: 'Ana’s phone' });
  state.updateGeofence({ enabled: true, home: HOME });
}

const section = () => screen.getByRole('region', { name: 'Keep working when the app is closed' });
const offeredLink = () => within(section()).getByRole('link', { name: 'Open in OwnTracks' }).getAttribute('href') ?? '';

function readLink(link: string) {
  const parsed = parseOwntracksConfigLink(link);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

describe('Keep working when the app is closed (OwnTracks)', () => {
  it('explains what OwnTracks shares and with whom before anything is set up', () => {
    household();
    render(<GeofenceCard />);
    expect(section()).toHaveTextContent(/separate app, free and open source/);
    expect(section()).toHaveTextContent(/only your thermostats hold: the broker passes it on unread/);
    expect(section()).toHaveTextContent(/What Hearth receives, and only at your thermostats: that you entered or left home, with where your phone was at that moment, and now and then your position as you move/);
    expect(section()).toHaveTextContent(/OwnTracks itself may ask your phone’s maps service to name a place/);
    expect(section()).toHaveTextContent(/Whoever runs the broker cannot read the reports, but sees your phone’s IP address and when each report is sent/);
    expect(section()).toHaveTextContent(
      /Your thermostats use only whether you are home: everyone paired with them sees that, and when you last reported, but not where you are\. As with this app, a thermostat counts a report for 12 hours\./,
    );
    expect(within(section()).queryByRole('link', { name: 'Open in OwnTracks' })).toBeNull();
  });

  it('makes a secret and offers a link for this member and every paired thermostat, with the home, a 150–200 m circle and the region sent', async () => {
    household();
    render(<GeofenceCard />);
    await userEvent.click(within(section()).getByRole('button', { name: 'Set up OwnTracks' }));

    const setup = appStore.getState().preferences.owntracks!;
    expect(setup.secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const configuration = readLink(offeredLink());
    expect(configuration).toMatchObject({
      mode: 3,
      cmd: false,
      remoteConfiguration: false,
      url: `https://hearth.example/presence/owntracks/${OWN_ID}/${LIVING.id}/${HALL.id}`,
      encryptionKey: setup.secret,
      tid: 'AP',
      waypoints: [{ desc: 'Hearth', lat: HOME.latitude, lon: HOME.longitude, rad: 200, tst: setup.wtst }],
    });
    expect(section()).toHaveTextContent('OwnTracks watches a circle of 200 m around your home (your Geofence radius of 10 km, brought within 150–200 m for OwnTracks).');

    const steps = within(within(section()).getByRole('list', { name: 'Steps in OwnTracks' })).getAllByRole('listitem');
    expect(steps.map((step) => step.textContent)).toEqual([
      expect.stringMatching(/allow configuration by link/),
      expect.stringMatching(/Open the link below .* confirm the import/),
      expect.stringMatching(/“Always”/),
    ]);

    // The QR code is the same link, for a second phone; it holds the secret, so it shows only when asked for.
    expect(within(section()).queryByRole('img', { name: 'QR code of the OwnTracks link' })).toBeNull();
    expect(section()).not.toHaveTextContent(setup.secret!);
    await userEvent.click(within(section()).getByRole('button', { name: 'Show QR code' }));
    const qr = within(section()).getByRole('img', { name: 'QR code of the OwnTracks link' });
    const modules = encode(offeredLink(), { ecc: 'L', border: 4 });
    expect(qr.getAttribute('viewBox')).toBe(`0 0 ${modules.size} ${modules.size}`);
    expect(qr.querySelector('path')?.getAttribute('d')?.match(/M/g)).toHaveLength(modules.data.flat().filter(Boolean).length);

    // Each thermostat says whether it holds the secret yet.
    const answers = within(section()).getByRole('list', { name: 'OwnTracks secret on each thermostat' });
    expect(answers).toHaveTextContent('Living room: sending the secret…');
    act(() => appStore.getState().owntracksAnswered(HALL.id, { secret: setup.secret, wtst: setup.wtst }, 'holds'));
    expect(answers).toHaveTextContent('Hall: has the secret');
    act(() => appStore.getState().owntracksAnswered(LIVING.id, { secret: setup.secret, wtst: setup.wtst }, 'full'));
    expect(answers).toHaveTextContent('Living room: refused it: it already keeps OwnTracks secrets for 8 members');
    act(() => appStore.getState().owntracksAnswered(HALL.id, { secret: setup.secret, wtst: setup.wtst }, 'out_of_range'));
    expect(answers).toHaveTextContent('Hall: refused it (“out_of_range”): it reads the message otherwise than this app writes it, so it is not sent again.');
  });

  it('a QR code of an 8-thermostat link stays at level L, small enough to scan off a screen', async () => {
    household();
    for (let index = 0; index < 6; index += 1) act(() => appStore.getState().addThermostat({ id: `Thermostat${index}xxxxxxxxxxx`, key: KEY, name: `Room ${index}` }));
    render(<GeofenceCard />);
    await userEvent.click(within(section()).getByRole('button', { name: 'Set up OwnTracks' }));
    await userEvent.click(within(section()).getByRole('button', { name: 'Show QR code' }));
    expect(readLink(offeredLink()).url.split('/presence/owntracks/')[1]?.split('/')).toHaveLength(1 + 8);
    expect(offeredLink().length).toBeGreaterThan(700);
    const qr = within(section()).getByRole('img', { name: 'QR code of the OwnTracks link' });
    expect(qr.getAttribute('viewBox')).toBe(`0 0 ${encode(offeredLink(), { ecc: 'L', border: 4 }).size} ${encode(offeredLink(), { ecc: 'L', border: 4 }).size}`);
    expect(Number(qr.getAttribute('viewBox')?.split(' ')[2])).toBeLessThanOrEqual(105);
    await userEvent.click(within(section()).getByRole('button', { name: 'Hide QR code' }));
    expect(within(section()).queryByRole('img', { name: 'QR code of the OwnTracks link' })).toBeNull();
  });

  it('says why there is no link: no thermostat paired, a broker address that is not ws:// or wss://, or the home cleared', async () => {
    household();
    render(<GeofenceCard />);
    await userEvent.click(within(section()).getByRole('button', { name: 'Set up OwnTracks' }));
    act(() => appStore.getState().updatePreferences({ brokerUrl: 'https://hearth.example/ws' }));
    expect(within(section()).queryByRole('link', { name: 'Open in OwnTracks' })).toBeNull();
    expect(section()).toHaveTextContent('The broker address https://hearth.example/ws is not a ws:// or wss:// address, so there is no address for OwnTracks');

    act(() => appStore.getState().updatePreferences({ brokerUrl: 'wss://hearth.example/ws' }));
    act(() => appStore.getState().removeThermostat(LIVING.id));
    act(() => appStore.getState().removeThermostat(HALL.id));
    expect(within(section()).queryByRole('link', { name: 'Open in OwnTracks' })).toBeNull();
    expect(section()).toHaveTextContent('Pair a thermostat first');

    act(() => appStore.getState().addThermostat(HALL));
    expect(within(section()).getByRole('link', { name: 'Open in OwnTracks' })).toBeInTheDocument();
    act(() => appStore.getState().updateGeofence({ enabled: false, home: null }));
    expect(within(section()).queryByRole('link', { name: 'Open in OwnTracks' })).toBeNull();
    expect(within(section()).queryByRole('button', { name: 'Show QR code' })).toBeNull();
    expect(section()).toHaveTextContent('Your home was cleared: choose it again for a new OwnTracks link.');
  });

  it('copies the link', async () => {
    const user = userEvent.setup();
    household();
    render(<GeofenceCard />);
    await user.click(within(section()).getByRole('button', { name: 'Set up OwnTracks' }));
    await user.click(within(section()).getByRole('button', { name: 'Copy link' }));
    expect(await navigator.clipboard.readText()).toBe(offeredLink());
    expect(section()).toHaveTextContent('Link copied.');
  });

  it('once a thermostat is paired later, says to open the new link, whose address names it too, until the person has', async () => {
    household();
    render(<GeofenceCard />);
    await userEvent.click(within(section()).getByRole('button', { name: 'Set up OwnTracks' }));
    expect(section()).not.toHaveTextContent(/open the new link/);

    act(() => appStore.getState().addThermostat(ATTIC));
    expect(readLink(offeredLink()).url).toBe(`https://hearth.example/presence/owntracks/${OWN_ID}/${LIVING.id}/${HALL.id}/${ATTIC.id}`);
    expect(section()).toHaveTextContent(
      'The address changed since you last opened the link (a thermostat was paired or removed, or the broker moved): open the new link in OwnTracks again.',
    );
    expect(within(section()).getByRole('list', { name: 'OwnTracks secret on each thermostat' })).toHaveTextContent('Attic: sending the secret…');

    await userEvent.click(within(section()).getByRole('button', { name: 'Done: OwnTracks has the new link' }));
    expect(section()).not.toHaveTextContent(/open the new link/);
  });

  it('a new home moves the region under the same wtst (OwnTracks replaces it), keeps the thermostats\' answers, and asks for the new link', async () => {
    household();
    render(<GeofenceCard />);
    await userEvent.click(within(section()).getByRole('button', { name: 'Set up OwnTracks' }));
    const before = readLink(offeredLink()).waypoints[0];
    const setup = appStore.getState().preferences.owntracks!;
    act(() => appStore.getState().owntracksAnswered(HALL.id, { secret: setup.secret, wtst: setup.wtst }, 'holds'));
    act(() => appStore.getState().updateGeofence({ home: { latitude: 48.85, longitude: 2.35 } }));
    const after = readLink(offeredLink()).waypoints[0];
    expect(after).toMatchObject({ lat: 48.85, lon: 2.35, tst: before.tst });
    expect(appStore.getState().preferences.owntracks).toMatchObject({ wtst: before.tst, answers: { [HALL.id]: 'holds' } });
    expect(section()).toHaveTextContent('Hall: has the secret');
    expect(section()).toHaveTextContent('Your home or its circle changed since you last opened the link: open the new link in OwnTracks again.');
  });

  it('"Make a new secret" replaces the secret in the link; "Turn off OwnTracks" has every thermostat told to forget it', async () => {
    household();
    render(<GeofenceCard />);
    await userEvent.click(within(section()).getByRole('button', { name: 'Set up OwnTracks' }));
    const first = appStore.getState().preferences.owntracks!.secret;
    await userEvent.click(within(section()).getByRole('button', { name: 'Make a new secret' }));
    const second = appStore.getState().preferences.owntracks!.secret;
    expect(second).not.toBe(first);
    expect(readLink(offeredLink()).encryptionKey).toBe(second);
    expect(section()).toHaveTextContent('You made a new secret: open the new link in OwnTracks again');

    await userEvent.click(within(section()).getByRole('button', { name: 'Turn off OwnTracks' }));
    const setup = appStore.getState().preferences.owntracks!;
    expect(setup.secret).toBeNull();
    expect(within(section()).queryByRole('link', { name: 'Open in OwnTracks' })).toBeNull();
    expect(within(section()).queryByRole('img', { name: 'QR code of the OwnTracks link' })).toBeNull();
    const answers = within(section()).getByRole('list', { name: 'OwnTracks secret on each thermostat' });
    expect(answers).toHaveTextContent('Hall: being told to forget the secret…');
    act(() => appStore.getState().owntracksAnswered(HALL.id, { secret: null, wtst: setup.wtst }, 'forgot'));
    expect(answers).toHaveTextContent('Hall: has forgotten the secret');
    expect(within(section()).getByRole('button', { name: 'Set up OwnTracks' })).toBeEnabled();
  });

  it('warns that a phone cannot reach a broker at localhost, and not for one it can reach', () => {
    household(null);
    const { unmount } = render(<GeofenceCard />);
    expect(within(section()).getByRole('note', { name: 'The phone cannot reach the broker' })).toHaveTextContent(/The broker’s address is localhost, which means “this computer”: a phone cannot reach it there/);
    unmount();

    appStore.getState().updatePreferences({ brokerUrl: 'ws://127.0.0.1:8080/ws' });
    const again = render(<GeofenceCard />);
    expect(within(section()).getByRole('note', { name: 'The phone cannot reach the broker' })).toHaveTextContent('The broker’s address is 127.0.0.1');
    again.unmount();

    appStore.getState().updatePreferences({ brokerUrl: 'ws://192.168.1.20:8080/ws' });
    render(<GeofenceCard />);
    expect(within(section()).queryByRole('note', { name: 'The phone cannot reach the broker' })).toBeNull();
  });

  it('says which unpaired thermostats keep the secret until a factory reset, and what to do about it', async () => {
    household();
    render(<GeofenceCard />);
    await userEvent.click(within(section()).getByRole('button', { name: 'Set up OwnTracks' }));
    expect(within(section()).queryByRole('note', { name: 'Removed thermostats that keep the secret' })).toBeNull();
    act(() => {
      appStore.getState().removeThermostat(HALL.id);
      appStore.getState().owntracksKeptByUnpaired(HALL.name);
    });
    expect(within(section()).getByRole('note', { name: 'Removed thermostats that keep the secret' })).toHaveTextContent(
      'Hall was removed while out of reach and keeps your OwnTracks secret until it is factory reset. Make a new secret',
    );
  });

  it('without a home offers no set-up yet', () => {
    appStore.getState().addThermostat(LIVING);
    render(<GeofenceCard />);
    expect(section()).toHaveTextContent('Choose your home first');
    expect(within(section()).getByRole('button', { name: 'Set up OwnTracks' })).toBeDisabled();
  });
});
