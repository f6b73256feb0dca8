import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { answerPosition } from '@/testing/geolocation';
import { appStore } from '@/stores/app-store';
import { SettingsDialog } from './settings-dialog';

function renderDialog() {
  render(<SettingsDialog onClose={() => undefined} />);
}

describe('SettingsDialog: home location', () => {
  it('"Use my current position" fills latitude and longitude, and Save keeps them as home', async () => {
    answerPosition({ latitude: 48.858844, longitude: 2.294351, accuracy: 12 });
    renderDialog();
    await userEvent.click(screen.getByRole('button', { name: 'Use my current position' }));
    expect(screen.getByRole('spinbutton', { name: 'Home latitude' })).toHaveValue(48.858844);
    expect(screen.getByRole('spinbutton', { name: 'Home longitude' })).toHaveValue(2.294351);
    expect(screen.getByRole('status')).toHaveTextContent('Position found (±12 m)');

    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(appStore.getState().preferences.geofence.home).toEqual({ latitude: 48.858844, longitude: 2.294351 });
  });

  it('says why no position came, and leaves the fields as they were', async () => {
    answerPosition({ code: 3 });
    renderDialog();
    await userEvent.click(screen.getByRole('button', { name: 'Use my current position' }));
    expect(screen.getByRole('status')).toHaveTextContent('Finding your position took too long');
    expect(screen.getByRole('spinbutton', { name: 'Home latitude' })).toHaveValue(null);
  });
});

describe('SettingsDialog: removing a thermostat from the app', () => {
  const KEY = 'heDmCLojfFJ7Yc_5_3iKaddIuPY_IUa1UQn136DerAs';

  it('says this phone stays among the members only of a thermostat it joined', async () => {
    const confirm = vi.fn(() => false);
    vi.stubGlobal('confirm', confirm);
    try {
      appStore.getState().addThermostat({ id: 'HallHallHallHallHallHa', key: KEY, name: 'Hall', joined: true });
      appStore.getState().addThermostat({ id: 'AtticAtticAtticAtticAt', key: KEY, name: 'Attic' });
      renderDialog();
      await userEvent.click(screen.getByRole('button', { name: 'Remove Hall' }));
      expect(confirm).toHaveBeenLastCalledWith(
        'Remove Hall from this app? You need a new invitation to add it again. This phone stays among its members until someone removes it in the Household card.',
      );
      await userEvent.click(screen.getByRole('button', { name: 'Remove Attic' }));
      expect(confirm).toHaveBeenLastCalledWith('Remove Attic from this app? You need a new invitation to add it again.');
      expect(appStore.getState().thermostats).toHaveLength(2);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
