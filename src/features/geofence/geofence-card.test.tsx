import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { answerPosition } from '@/testing/geolocation';
import { appStore } from '@/stores/app-store';
import { GeofenceCard } from './geofence-card';

describe('GeofenceCard', () => {
  it('turning it on without a home asks where home is, and "Use my current position" sets it and turns it on', async () => {
    answerPosition({ latitude: 52.37, longitude: 4.89, accuracy: 25 });
    render(<GeofenceCard />);
    const toggle = screen.getByRole('switch', { name: 'Geofence' });
    await userEvent.click(toggle);
    expect(appStore.getState().preferences.geofence.enabled).toBe(false);

    await userEvent.click(screen.getByRole('button', { name: 'Use my current position' }));
    expect(appStore.getState().preferences.geofence).toMatchObject({ enabled: true, home: { latitude: 52.37, longitude: 4.89 } });
    expect(toggle).toHaveAttribute('aria-checked', 'true');
    expect(screen.queryByRole('button', { name: 'Use my current position' })).toBeNull();
  });

  it('says who sees what: the household sees whether you are home and how far away, and a report counts for 12 hours', () => {
    render(<GeofenceCard />);
    expect(screen.getByRole('note', { name: 'Who sees what' })).toHaveTextContent(
      'Your position stays on this device. Your thermostats are told only whether you are home and how far from home you are, and everyone paired with a thermostat (its household) sees both, and when you last reported, in its Members card. The broker passes your reports on sealed: whoever runs it cannot read them, but sees when each report is sent, which can reveal your comings and goings.',
      { normalizeWhitespace: true },
    );
    // docs/protocol.md "What the thermostat does, whatever it is told": a member's report counts while younger than 12 h.
    expect(screen.getByRole('note', { name: 'How long a report counts' })).toHaveTextContent(
      /^A thermostat counts a report for 12 hours\. On Auto it heats for home while any household member’s report from the last 12 hours says home, and for away when all of them say away; when no report is that recent, it keeps using the home or away temperature it used last until the next report\./,
    );
  });

  it('with geofence on, the location line says plainly when the browser refuses or cannot give a position', () => {
    appStore.getState().updateGeofence({ enabled: true, home: { latitude: 52.37, longitude: 4.89 } });
    appStore.getState().setLocationPermission('denied');
    render(<GeofenceCard />);
    const location = screen.getByLabelText('Location');
    expect(location).toHaveTextContent(
      "Location permission is denied. Allow location for this site in the browser's site settings (the icon left of the address), then try again.",
      { normalizeWhitespace: true },
    );
    expect(location).not.toHaveTextContent('by hand');

    act(() => appStore.getState().setLocationPermission('unavailable'));
    expect(location).toHaveTextContent(/^This browser cannot share your location\.$/);
  });

  it('a denied permission says how to allow it, stays off, and the message goes when the switch is used again', async () => {
    answerPosition({ code: 1 });
    render(<GeofenceCard />);
    const toggle = screen.getByRole('switch', { name: 'Geofence' });
    await userEvent.click(toggle);
    await userEvent.click(screen.getByRole('button', { name: 'Use my current position' }));
    expect(screen.getByRole('alert')).toHaveTextContent("Allow location for this site in the browser's site settings");
    expect(appStore.getState().preferences.geofence).toMatchObject({ enabled: false, home: null });

    await userEvent.click(toggle);
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
