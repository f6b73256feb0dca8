import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { answerPosition } from '@/testing/geolocation';
import { CommandsContext } from '@/lib/link/commands-context';
import { fakeCommands } from '@/lib/link/testing/fake-commands';
import { TestThermostat } from '@/lib/link/testing/test-thermostat';
import { appStore } from '@/stores/app-store';
import { SettingsDialog } from './settings-dialog';

function renderDialog({ thermostatId = null as string | null } = {}) {
  const commands = fakeCommands();
  const onClose = vi.fn();
  render(
    <CommandsContext value={commands}>
      <SettingsDialog thermostatId={thermostatId} onClose={onClose} />
    </CommandsContext>,
  );
  return { commands, onClose, dialog: screen.getByRole('dialog', { name: 'Settings' }) };
}

/** A paired "Hall" whose last STATE says target 21, away 16, margin 0.3. */
function pairedHall() {
  const thermostat = new TestThermostat();
  appStore.getState().addThermostat({ id: thermostat.id, key: thermostat.keyText, name: 'Hall' });
  appStore.getState().receiveState(thermostat.id, thermostat.stateMessage({ target: 21, away_target: 16, hysteresis: 0.3 }), Date.now());
  return thermostat.id;
}

describe('SettingsDialog: which thermostat', () => {
  it("puts the thermostat's own settings under its name, apart from this app's, in plain words", () => {
    const { dialog } = renderDialog({ thermostatId: pairedHall() });
    const hall = within(dialog).getByRole('region', { name: 'Hall' });
    expect(within(hall).getByRole('heading', { name: 'Hall' })).toBeVisible();
    expect(within(hall).getByRole('textbox', { name: 'Home temperature' })).toHaveValue('21');
    expect(within(hall).getByRole('textbox', { name: 'Away temperature' })).toHaveValue('16');
    expect(within(hall).getByRole('textbox', { name: 'Switching margin' })).toHaveValue('0.3');
    const app = within(dialog).getByRole('region', { name: 'This app' });
    expect(within(app).getByRole('textbox', { name: 'Your name' })).toBeVisible();
    expect(within(app).getByRole('textbox', { name: 'Broker address' })).toBeVisible();
    expect(dialog).not.toHaveTextContent(/Hysteresis|Broker URL|Regime/i);
  });

  it('opened from all the rooms, has no thermostat settings', () => {
    pairedHall();
    const { dialog } = renderDialog({ thermostatId: null });
    expect(within(dialog).queryByRole('textbox', { name: 'Away temperature' })).toBeNull();
    expect(within(dialog).getByRole('region', { name: 'This app' })).toBeVisible();
  });
});

describe('SettingsDialog: typed values', () => {
  it('marks each invalid field with its problem beside it, focuses the first, and sends nothing', async () => {
    const user = userEvent.setup();
    const { dialog, commands, onClose } = renderDialog({ thermostatId: pairedHall() });
    const away = within(dialog).getByRole('textbox', { name: 'Away temperature' });
    const radius = within(dialog).getByRole('textbox', { name: 'Radius (km)' });
    await user.clear(away);
    await user.type(away, '40');
    await user.clear(radius);
    await user.type(radius, 'far');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));

    expect(away).toHaveFocus();
    expect(away).toHaveAttribute('aria-invalid', 'true');
    expect(away).toHaveAccessibleDescription(/^Type a temperature from 5 to 25 °C/);
    expect(radius).toHaveAttribute('aria-invalid', 'true');
    expect(radius).toHaveAccessibleDescription(/^Type a distance from 0.1 to 1000 km/);
    expect(within(dialog).getByRole('textbox', { name: 'Switching margin' })).not.toHaveAttribute('aria-invalid');
    expect(within(dialog).queryByRole('alert')).toBeNull();
    expect(commands.sendSettings).not.toHaveBeenCalled();
    expect(onClose).not.toHaveBeenCalled();
  });

  it('reads "15,5" as 15.5 and sends only what changed', async () => {
    const user = userEvent.setup();
    const { dialog, commands, onClose } = renderDialog({ thermostatId: pairedHall() });
    const away = within(dialog).getByRole('textbox', { name: 'Away temperature' });
    await user.clear(away);
    await user.type(away, '15,5');
    const margin = within(dialog).getByRole('textbox', { name: 'Switching margin' });
    await user.clear(margin);
    await user.type(margin, '0.5');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(commands.sendSettings).toHaveBeenCalledExactlyOnceWith({ away_target: 15.5, hysteresis: 0.5 });
    expect(onClose).toHaveBeenCalled();
  });

  it('reads a comma in the radius and the home position too', async () => {
    const user = userEvent.setup();
    const { dialog } = renderDialog();
    await user.type(within(dialog).getByRole('textbox', { name: 'Home latitude' }), '48,8584');
    await user.type(within(dialog).getByRole('textbox', { name: 'Home longitude' }), '2,2945');
    const radius = within(dialog).getByRole('textbox', { name: 'Radius (km)' });
    await user.clear(radius);
    await user.type(radius, '2,5');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(appStore.getState().preferences.geofence).toMatchObject({ home: { latitude: 48.8584, longitude: 2.2945 }, radiusKm: 2.5 });
  });
});

describe('SettingsDialog: home location', () => {
  it('"Use my current position" fills latitude and longitude, and Save keeps them as home', async () => {
    answerPosition({ latitude: 48.858844, longitude: 2.294351, accuracy: 12 });
    renderDialog();
    await userEvent.click(screen.getByRole('button', { name: 'Use my current position' }));
    expect(screen.getByRole('textbox', { name: 'Home latitude' })).toHaveValue('48.858844');
    expect(screen.getByRole('textbox', { name: 'Home longitude' })).toHaveValue('2.294351');
    expect(screen.getByRole('status')).toHaveTextContent('Position found (±12 m)');

    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(appStore.getState().preferences.geofence.home).toEqual({ latitude: 48.858844, longitude: 2.294351 });
  });

  it('says why no position came, and leaves the fields as they were', async () => {
    answerPosition({ code: 3 });
    renderDialog();
    await userEvent.click(screen.getByRole('button', { name: 'Use my current position' }));
    expect(screen.getByRole('status')).toHaveTextContent('Finding your position took too long');
    expect(screen.getByRole('textbox', { name: 'Home latitude' })).toHaveValue('');
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
