import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { appStore } from '@/stores/app-store';
import { GeofenceCard } from './geofence-card';

type Answer = { latitude: number; longitude: number; accuracy: number } | { code: 1 | 2 | 3 };

/** A browser whose next position request gets `answer`. */
function useGeolocation(answer: Answer) {
  const geolocation: Pick<Geolocation, 'getCurrentPosition'> = {
    getCurrentPosition(success, failure) {
      if ('code' in answer) failure?.({ code: answer.code, message: '' } as GeolocationPositionError);
      else success({ coords: answer, timestamp: Date.now() } as unknown as GeolocationPosition);
    },
  };
  Object.defineProperty(navigator, 'geolocation', { value: geolocation, configurable: true });
}

describe('GeofenceCard', () => {
  afterEach(() => {
    Object.defineProperty(navigator, 'geolocation', { value: undefined, configurable: true });
  });

  it('turning it on without a home asks where home is, and "Use my current position" sets it and turns it on', async () => {
    useGeolocation({ latitude: 52.37, longitude: 4.89, accuracy: 25 });
    render(<GeofenceCard />);
    const toggle = screen.getByRole('switch', { name: 'Geofence' });
    await userEvent.click(toggle);
    expect(appStore.getState().preferences.geofence.enabled).toBe(false);

    await userEvent.click(screen.getByRole('button', { name: 'Use my current position' }));
    expect(appStore.getState().preferences.geofence).toMatchObject({ enabled: true, home: { latitude: 52.37, longitude: 4.89 } });
    expect(toggle).toHaveAttribute('aria-checked', 'true');
    expect(screen.queryByRole('button', { name: 'Use my current position' })).toBeNull();
  });

  it('a denied permission says how to allow it, stays off, and the message goes when the switch is used again', async () => {
    useGeolocation({ code: 1 });
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
