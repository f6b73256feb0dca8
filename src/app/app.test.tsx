import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { makeLogonKeys, toBase64url } from '@protocol';
import { FakeBroker } from '@/lib/link/testing/fake-broker';
import { TestThermostat } from '@/lib/link/testing/test-thermostat';
import { STORAGE_KEYS } from '@/lib/storage';
import { appStore } from '@/stores/app-store';
import { persistStore } from '@/stores/persistence';
import { App } from './app';
import { startHousehold } from './household-wiring';
import { deferredCommands } from './deferred-commands';
import { takeLaunchFragment } from './launch-fragment';

const stops: (() => void)[] = [];
afterEach(() => {
  stops.splice(0).forEach((stop) => stop());
  history.replaceState(null, '', '/');
});

async function renderApp(thermostat = new TestThermostat(), { reachable = true } = {}) {
  const broker = new FakeBroker(thermostat);
  broker.reachable = reachable;
  const connection = startHousehold(appStore, await makeLogonKeys(), broker.factory);
  stops.push(connection.stop, persistStore(appStore));
  // As main.tsx does: the address's request is taken once, before the first render.
  render(<App commands={connection.commands} launch={takeLaunchFragment()} withUpdatePrompt={false} />);
  return { broker, thermostat };
}

describe('the app', () => {
  it('pairs from a #pair= link, removes the key from the address bar, joins with it and goes live', async () => {
    const user = userEvent.setup();
    const thermostat = new TestThermostat();
    history.replaceState(null, '', `/#pair=${thermostat.id}.${thermostat.keyText}`);
    await renderApp(thermostat);
    const dialog = await screen.findByRole('dialog', { name: 'Add thermostat' });
    expect(location.hash).toBe('');
    const name = within(dialog).getByRole('textbox', { name: 'Thermostat name' });
    expect(name).toHaveValue('Thermostat');
    await user.clear(name);
    await user.type(name, 'Living room');
    await user.click(within(dialog).getByRole('button', { name: 'Add' }));
    expect(screen.queryByRole('dialog', { name: 'Add thermostat' })).toBeNull();
    expect(screen.getByRole('heading', { name: 'Living room' })).toBeVisible();
    await waitFor(() => expect(screen.getByRole('status', { name: 'Connection' })).toHaveTextContent(/^Connected$/));
    expect(screen.getByLabelText('Current temperature')).toHaveTextContent('20.5 °C');
    // The link held the old shared key: the phone joined with it and keeps its own member key (docs/protocol.md "Joining").
    const memberKey = thermostat.memberKeys.get(appStore.getState().ownId ?? '')?.key;
    expect(memberKey).toBeDefined();
    expect(JSON.parse(localStorage.getItem(STORAGE_KEYS.thermostats) ?? '[]')).toEqual([
      { id: thermostat.id, key: toBase64url(memberKey ?? new Uint8Array()), name: 'Living room', joined: true },
    ]);
  });

  it('explains a bad pairing link instead of adding anything', async () => {
    history.replaceState(null, '', '/#pair=not-a-real-code');
    await renderApp();
    const dialog = await screen.findByRole('dialog', { name: 'Add thermostat' });
    expect(within(dialog).getByRole('alert')).toHaveTextContent('The pairing code must be the thermostat ID, a dot, then the key.');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Add' }));
    expect(appStore.getState().thermostats).toEqual([]);
  });

  it('pairs by hand from ID and key, and changes the target with the thermostat confirming it', async () => {
    const user = userEvent.setup();
    const { thermostat } = await renderApp();
    await user.click(screen.getByRole('button', { name: 'Add thermostat' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add thermostat' });
    await user.type(within(dialog).getByRole('textbox', { name: 'Thermostat ID' }), thermostat.id);
    await user.type(within(dialog).getByRole('textbox', { name: 'Key' }), thermostat.keyText);
    await user.click(within(dialog).getByRole('button', { name: 'Add' }));
    const target = await screen.findByRole('spinbutton', { name: 'Target temperature' });
    await waitFor(() => expect(target).toHaveAttribute('aria-valuetext', '21.0 °C'));
    await user.click(screen.getByRole('button', { name: 'Increase target temperature' }));
    expect(target).toHaveAttribute('aria-busy', 'true');
    await waitFor(() => expect(target).toHaveAttribute('aria-busy', 'false'));
    expect(target).toHaveAttribute('aria-valuetext', '21.5 °C');
    expect(thermostat.settings.target).toBe(21.5);
  });

  it('offers to set up a new thermostat from the welcome card and from Add thermostat', async () => {
    const user = userEvent.setup();
    await renderApp();
    await user.click(screen.getByRole('button', { name: 'Set up a new thermostat' }));
    const setup = await screen.findByRole('dialog', { name: 'Set up a new thermostat' });
    // jsdom is no secure context, like a page at a plain http:// address: Web Serial is out of reach.
    expect(within(setup).getByRole('alert')).toHaveTextContent('browsers allow Web Serial only on https:// pages');
    await user.click(within(setup).getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('dialog')).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Add thermostat' }));
    const pairing = await screen.findByRole('dialog', { name: 'Add thermostat' });
    await user.click(within(pairing).getByRole('button', { name: 'Set up a new thermostat' }));
    expect(await screen.findByRole('dialog', { name: 'Set up a new thermostat' })).toBeVisible();
    expect(screen.queryByRole('dialog', { name: 'Add thermostat' })).toBeNull();
  });

  it("opens set-up from a #setup link (the install page's, once a thermostat is flashed) and takes it out of the address bar", async () => {
    history.replaceState(null, '', '/#setup');
    await renderApp();
    expect(await screen.findByRole('dialog', { name: 'Set up a new thermostat' })).toBeVisible();
    expect(location.hash).toBe('');
    await userEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('dialog')).toBeNull();

    // The same link followed while the app is open.
    location.hash = '#setup';
    expect(await screen.findByRole('dialog', { name: 'Set up a new thermostat' })).toBeVisible();
    expect(location.hash).toBe('');
  });

  it("opens Add thermostat from the manifest's #add shortcut, at start and in the open app", async () => {
    history.replaceState(null, '', '/#add');
    await renderApp();
    expect(await screen.findByRole('dialog', { name: 'Add thermostat' })).toBeVisible();
    expect(location.hash).toBe('');
    await userEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('dialog')).toBeNull();

    location.hash = '#add';
    expect(await screen.findByRole('dialog', { name: 'Add thermostat' })).toBeVisible();
    expect(location.hash).toBe('');
  });

  it('opens what it was launched with, and its render leaves the address alone (a render may run twice)', async () => {
    history.replaceState(null, '', '/#add');
    render(<App commands={deferredCommands(appStore, () => new Promise(() => undefined))} launch={{ kind: 'setup' }} withUpdatePrompt={false} />);
    expect(await screen.findByRole('dialog', { name: 'Set up a new thermostat' })).toBeVisible();
    expect(screen.queryByRole('dialog', { name: 'Add thermostat' })).toBeNull();
    expect(location.hash).toBe('#add');
  });

  it('with a paired thermostat offline, shows the last state it kept and its age', async () => {
    const thermostat = new TestThermostat();
    appStore.getState().addThermostat({ id: thermostat.id, key: thermostat.keyText, name: 'Living room' });
    appStore.getState().receiveState(thermostat.id, thermostat.stateMessage({ temperature: 19.2 }), Date.now() - 5 * 60_000);
    const { broker } = await renderApp(thermostat, { reachable: false });
    await waitFor(() => expect(screen.getByRole('status', { name: 'Connection' })).toHaveTextContent(/^Broker unreachable/));
    expect(broker.sockets.length).toBeGreaterThan(0);
    expect(screen.getByLabelText('Current temperature')).toHaveTextContent('19.2 °C');
    expect(screen.getByLabelText('Last update')).toHaveTextContent('Last heard 5 min ago — cannot reach the broker');
  });
});

describe('the app before the connection code has loaded', () => {
  it('paints the last state with "Connecting…" and marks "(you)" once the identity is known', async () => {
    const thermostat = new TestThermostat();
    const identity = await makeLogonKeys();
    thermostat.members = [{ id: identity.id, name: 'Ana', home: true, distance: 120, age_s: 42, source: 'app' }];
    appStore.getState().addThermostat({ id: thermostat.id, key: thermostat.keyText, name: 'Living room' });
    appStore.getState().receiveState(thermostat.id, thermostat.stateMessage(), Date.now());
    // The connection chunk is still on the wire: nothing has resolved the load yet.
    render(<App commands={deferredCommands(appStore, () => new Promise(() => undefined))} withUpdatePrompt={false} />);
    expect(screen.getByRole('status', { name: 'Connection' })).toHaveTextContent(/^Connecting…$/);
    expect(screen.getByLabelText('Current temperature')).toHaveTextContent('20.5 °C');
    expect(screen.getByRole('listitem')).toHaveTextContent(/^AnaHome/);

    const broker = new FakeBroker(thermostat);
    const connection = startHousehold(appStore, identity, broker.factory);
    stops.push(connection.stop);
    await waitFor(() => expect(screen.getByRole('listitem')).toHaveTextContent(/^Ana \(you\)Home/));
  });
});

describe('the app with several thermostats', () => {
  function pairTwo() {
    const living = new TestThermostat();
    const hall = new TestThermostat();
    appStore.getState().addThermostat({ id: living.id, key: living.keyText, name: 'Living room' });
    appStore.getState().addThermostat({ id: hall.id, key: hall.keyText, name: 'Hall' });
    appStore.getState().receiveState(living.id, living.stateMessage({ temperature: 20.5 }), Date.now());
    appStore.getState().receiveState(hall.id, hall.stateMessage({ temperature: 17.5 }), Date.now());
    // As a restart finds them: the screen is not kept.
    appStore.setState({ screen: appStore.getInitialState().screen });
    render(<App commands={deferredCommands(appStore, () => new Promise(() => undefined))} launch={takeLaunchFragment()} withUpdatePrompt={false} />);
    return { living, hall };
  }

  it('opens on all the rooms, opens one, renames it, and goes back to all of them', async () => {
    const user = userEvent.setup();
    const { hall } = pairTwo();
    expect(screen.getByRole('heading', { level: 1, name: 'All rooms' })).toBeVisible();
    const rooms = await screen.findByRole('list', { name: 'Rooms' });
    expect(within(rooms).getAllByRole('listitem')).toHaveLength(2);
    expect(within(rooms).getByText('17.5 °C')).toBeVisible();

    await user.click(within(rooms).getByRole('button', { name: 'Hall' }));
    expect(appStore.getState().selectedId).toBe(hall.id);
    expect(screen.getByRole('heading', { level: 1, name: 'Hall' })).toHaveFocus();
    expect(screen.getByLabelText('Current temperature')).toHaveTextContent('17.5 °C');

    await user.click(screen.getByRole('button', { name: 'Rename Hall' }));
    await screen.findByRole('textbox', { name: 'Thermostat name' });
    await user.keyboard('Landing{Enter}');
    await user.click(screen.getByRole('button', { name: 'All rooms' }));
    expect(within(await screen.findByRole('list', { name: 'Rooms' })).getByRole('button', { name: 'Landing' })).toHaveFocus();
  });

  it("Settings opened on a thermostat's screen names it; opened on all the rooms, only this app's", async () => {
    const user = userEvent.setup();
    pairTwo();
    await user.click(screen.getByRole('button', { name: 'Settings' }));
    let dialog = await screen.findByRole('dialog', { name: 'Settings' });
    expect(within(dialog).queryByRole('region', { name: 'Hall' })).toBeNull();
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));

    await user.click(screen.getByRole('button', { name: 'Living room' }));
    await user.click(screen.getByRole('button', { name: 'Settings' }));
    dialog = await screen.findByRole('dialog', { name: 'Settings' });
    expect(within(dialog).getByRole('heading', { name: 'Living room' })).toBeVisible();
  });

  it('Settings keep the thermostat they opened for when a #rooms shortcut arrives while they are open', async () => {
    const user = userEvent.setup();
    pairTwo();
    await user.click(await screen.findByRole('button', { name: 'Living room' }));
    await user.click(screen.getByRole('button', { name: 'Settings' }));
    const dialog = await screen.findByRole('dialog', { name: 'Settings' });
    location.hash = '#rooms';
    expect(await screen.findByRole('heading', { level: 1, name: 'All rooms' })).toBeInTheDocument();
    expect(within(dialog).getByRole('region', { name: 'Living room' })).toBeVisible();
    expect(within(dialog).getByRole('textbox', { name: 'Home temperature' })).toBeVisible();
  });

  it("goes to all the rooms from the manifest's #rooms shortcut, in the open app too", async () => {
    const user = userEvent.setup();
    history.replaceState(null, '', '/#rooms');
    pairTwo();
    expect(screen.getByRole('heading', { level: 1, name: 'All rooms' })).toBeVisible();
    expect(location.hash).toBe('');
    await user.click(screen.getByRole('button', { name: 'Hall' }));
    expect(screen.getByRole('heading', { level: 1, name: 'Hall' })).toBeVisible();

    location.hash = '#rooms';
    expect(await screen.findByRole('heading', { level: 1, name: 'All rooms' })).toBeVisible();
    expect(location.hash).toBe('');
  });

  it('with one thermostat goes straight to it, with no way to all the rooms', () => {
    const living = new TestThermostat();
    appStore.getState().addThermostat({ id: living.id, key: living.keyText, name: 'Living room' });
    appStore.setState({ screen: 'rooms' });
    render(<App commands={deferredCommands(appStore, () => new Promise(() => undefined))} withUpdatePrompt={false} />);
    expect(screen.getByRole('heading', { level: 1, name: 'Living room' })).toBeVisible();
    expect(screen.queryByRole('button', { name: 'All rooms' })).toBeNull();
    expect(screen.queryByRole('list', { name: 'Rooms' })).toBeNull();
  });
});

describe('the welcome card', () => {
  it('says who sees what instead of promising that nothing leaves the home network', () => {
    render(<App commands={deferredCommands(appStore, () => new Promise(() => undefined))} withUpdatePrompt={false} />);
    const welcome = screen.getByRole('heading', { name: 'Welcome to Hearth' }).closest('section') as HTMLElement;
    expect(welcome).not.toHaveTextContent('Nothing leaves your home network');
    expect(welcome).toHaveTextContent('The broker sees which IDs talk to each other, when and how much, but not what they say');
    expect(welcome).toHaveTextContent('encrypted end to end between this app and the thermostat');
  });
});
