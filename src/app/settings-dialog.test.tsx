import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
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
