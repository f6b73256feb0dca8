import { act, render, screen } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { appStore } from '@/stores/app-store';
import { ConnectionStatusBar } from './link-status-bar';

const renderBar = () => render(<ConnectionStatusBar />);

describe('connection status', () => {
  beforeEach(() => {
    appStore.getState().setOnline(true);
  });

  it.each([
    ['connecting', 'Connecting…'],
    ['connected', 'Connected'],
    ['offline', 'Offline'],
    ['thermostat-offline', 'Thermostat offline'],
    ['not-answering', 'Thermostat not answering'],
    ['wrong-key', 'Wrong key — check the pairing link'],
  ] as const)('puts status %s in words: %s', (status, words) => {
    renderBar();
    act(() => appStore.getState().setConnectionStatus(status));
    expect(screen.getByRole('status', { name: 'Connection' }).textContent).toMatch(new RegExp(`^${words}`));
  });

  it('agrees with the membership notice when the thermostat did not take the invitation, and keeps Wrong key otherwise', () => {
    const thermostat = { id: 'LivingLivingLivingLivi', key: 'heDmCLojfFJ7Yc_5_3iKaddIuPY_IUa1UQn136DerAs', name: 'Living room' };
    act(() => appStore.getState().addThermostat(thermostat));
    renderBar();
    act(() => appStore.getState().setConnectionStatus('wrong-key'));
    // A thermostat that never answers a key the app had verified: the key itself is the problem.
    expect(screen.getByRole('status', { name: 'Connection' })).toHaveTextContent(/^Wrong key — check the pairing link/);
    act(() => appStore.getState().setMembership(thermostat.id, 'invitation_refused'));
    const bar = screen.getByRole('status', { name: 'Connection' });
    expect(bar).toHaveTextContent(/^Not let in The thermostat did not take the invitation: see the notice for what to do\.$/);
    expect(bar).not.toHaveTextContent('Wrong key');
  });

  it('says Offline when the device has no network, whatever the socket last said', () => {
    renderBar();
    act(() => {
      appStore.getState().setConnectionStatus('connected');
      appStore.getState().setOnline(false);
    });
    expect(screen.getByRole('status', { name: 'Connection' })).toHaveTextContent(/^Offline/);
  });

  it('tells the person on an insecure page to open the https:// address, with no retry that could not help', () => {
    appStore.getState().setConnectionStatus('insecure-page');
    renderBar();
    expect(screen.getByRole('status', { name: 'Connection' })).toHaveTextContent(/Cannot log on from this page.*https:\/\//);
    expect(screen.queryByRole('button', { name: 'Retry now' })).not.toBeInTheDocument();
  });
});
