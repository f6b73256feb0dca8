import { act, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CommandsContext } from '@/lib/link/commands-context';
import type { SessionStatus } from '@/lib/link/link-status';
import { fakeCommands } from '@/lib/link/testing/fake-commands';
import { TestThermostat } from '@/lib/link/testing/test-thermostat';
import { appStore } from '@/stores/app-store';
import { LinkStatusBar } from './link-status-bar';

const THERMOSTAT = { id: 'LivingLivingLivingLivi', key: 'heDmCLojfFJ7Yc_5_3iKaddIuPY_IUa1UQn136DerAs', name: 'Living room' };

const renderBar = () => render(<LinkStatusBar />);
const bar = () => screen.getByRole('status', { name: 'Connection' });

/** A paired thermostat with a fresh STATE, its session in `session`, over a logged-on broker link. */
function pairedWith(session: SessionStatus) {
  act(() => {
    const store = appStore.getState();
    store.addThermostat(THERMOSTAT);
    store.setBrokerStatus('connected');
    store.setSessionStatus(THERMOSTAT.id, session);
    store.receiveState(THERMOSTAT.id, new TestThermostat().stateMessage(), Date.now());
  });
}

describe('link status: which layer is wrong', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    appStore.getState().setOnline(true);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each([
    ['live', 'Connected'],
    ['starting', 'Connecting… to the thermostat.'],
    ['checking', 'Checking the thermostat…'],
    ['thermostat-offline', 'Thermostat offline'],
    ['not-answering', 'Thermostat not answering'],
    ['wrong-key', 'Wrong key — check the pairing link'],
  ] as const)('puts the session %s in words: %s', (session, words) => {
    renderBar();
    pairedWith(session);
    expect(bar().textContent).toMatch(new RegExp(`^${words}`));
  });

  it.each([
    ['connecting', 'Connecting…$'],
    ['offline', 'Broker unreachable'],
    ['replaced', 'Open in another window'],
    ['insecure-page', 'Cannot log on from this page'],
  ] as const)('puts the broker link %s in words before anything of the thermostat: %s', (broker, words) => {
    renderBar();
    pairedWith('live');
    act(() => appStore.getState().setBrokerStatus(broker));
    expect(bar().textContent).toMatch(new RegExp(`^${words}`));
    expect(bar()).not.toHaveTextContent('Connected');
  });

  it('stops saying Connected 65 s after the last STATE, though the session was live', () => {
    renderBar();
    pairedWith('live');
    act(() => vi.advanceTimersByTime(60_000));
    expect(bar()).toHaveTextContent(/^Connected/);
    act(() => vi.advanceTimersByTime(5_000));
    expect(bar()).toHaveTextContent(/^Checking the thermostat…/);
  });

  it('says Connected to the broker, and to add a thermostat, when none is paired', () => {
    renderBar();
    act(() => appStore.getState().setBrokerStatus('connected'));
    expect(bar()).toHaveTextContent(/^Connected to the broker\. Add a thermostat to start\.$/);
  });

  it('agrees with the membership notice when the thermostat did not take the invitation, and keeps Wrong key otherwise', () => {
    renderBar();
    pairedWith('wrong-key');
    // A thermostat that never answers a key the app had verified: the key itself is the problem.
    expect(bar()).toHaveTextContent(/^Wrong key — check the pairing link/);
    act(() => appStore.getState().setMembership(THERMOSTAT.id, 'invitation_refused'));
    expect(bar()).toHaveTextContent(/^Not let in The thermostat did not take the invitation: see the notice for what to do\.$/);
    expect(bar()).not.toHaveTextContent('Wrong key');
  });

  it('says a removed phone is no longer let in, not Connected nor Checking, while its session still looks live', () => {
    renderBar();
    pairedWith('live');
    act(() => appStore.getState().setMembership(THERMOSTAT.id, 'removed'));
    expect(bar()).toHaveTextContent(/^Not let in A member removed this phone from the household/);
    act(() => vi.advanceTimersByTime(120_000));
    expect(bar()).toHaveTextContent(/^Not let in/);
  });

  it('on All rooms, counts the live rooms and retries every one that is not', () => {
    const commands = fakeCommands();
    render(
      <CommandsContext.Provider value={commands}>
        <LinkStatusBar />
      </CommandsContext.Provider>,
    );
    pairedWith('live');
    const HALL = { id: 'HallHallHallHallHallHa', key: THERMOSTAT.key, name: 'Hall' };
    act(() => {
      const store = appStore.getState();
      store.addThermostat(HALL);
      store.setSessionStatus(HALL.id, 'thermostat-offline');
      store.selectThermostat(THERMOSTAT.id);
    });
    // On the living room's screen the bar speaks of it alone.
    expect(bar()).toHaveTextContent(/^Connected$/);
    act(() => appStore.getState().showRooms());
    expect(bar()).toHaveTextContent(/^Connected to the broker\. 1 of 2 rooms live\.$/);
    fireEvent.click(screen.getByRole('button', { name: 'Retry now' }));
    expect(commands.retryNow).toHaveBeenCalledOnce();
  });

  it('says Offline when the device has no network, whatever the link last said', () => {
    renderBar();
    pairedWith('live');
    act(() => appStore.getState().setOnline(false));
    expect(bar()).toHaveTextContent(/^Offline No network on this device/);
  });

  it('tells the person on an insecure page to open the https:// address, with no retry that could not help', () => {
    appStore.getState().setBrokerStatus('insecure-page');
    renderBar();
    expect(bar()).toHaveTextContent(/Cannot log on from this page.*https:\/\//);
    expect(screen.queryByRole('button', { name: 'Retry now' })).not.toBeInTheDocument();
  });
});
