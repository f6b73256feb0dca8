import { act, render, screen, within } from '@testing-library/react';
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
    expect(commands.sendSettingsTo).toHaveBeenCalledExactlyOnceWith(appStore.getState().thermostats[0]?.id, { away_target: 15.5, hysteresis: 0.5 });
    expect(commands.sendSettings).not.toHaveBeenCalled();
    expect(onClose).toHaveBeenCalled();
  });

  it('neither checks nor sends a field nobody touched, even one the thermostat holds outside what the form takes', async () => {
    const user = userEvent.setup();
    const thermostat = new TestThermostat();
    appStore.getState().addThermostat({ id: thermostat.id, key: thermostat.keyText, name: 'Hall' });
    // An older firmware's margin on a finer step than the form takes.
    appStore.getState().receiveState(thermostat.id, thermostat.stateMessage({ target: 21, away_target: 16, hysteresis: 0.25 }), Date.now());
    const { dialog, commands, onClose } = renderDialog({ thermostatId: thermostat.id });
    const target = within(dialog).getByRole('textbox', { name: 'Home temperature' });
    await user.clear(target);
    await user.type(target, '21,5');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(commands.sendSettingsTo).toHaveBeenCalledExactlyOnceWith(thermostat.id, { target: 21.5 });
    expect(onClose).toHaveBeenCalled();
  });

  it('says why an ambiguous "2,294" was refused: a comma may mean thousands, use a point', async () => {
    const user = userEvent.setup();
    const { dialog } = renderDialog();
    await user.type(within(dialog).getByRole('textbox', { name: 'Home latitude' }), '48.8584');
    const longitude = within(dialog).getByRole('textbox', { name: 'Home longitude' });
    await user.type(longitude, '2,294');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(longitude).toHaveAccessibleDescription(/use a point: 2\.294\.$/);
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

describe('SettingsDialog: one thermostat from opening to closing', () => {
  it('fills the fields when the first STATE comes after the dialog opened', () => {
    const thermostat = new TestThermostat();
    appStore.getState().addThermostat({ id: thermostat.id, key: thermostat.keyText, name: 'Hall' });
    const { dialog } = renderDialog({ thermostatId: thermostat.id });
    expect(within(dialog).queryByRole('textbox', { name: 'Home temperature' })).toBeNull();
    act(() => appStore.getState().receiveState(thermostat.id, thermostat.stateMessage({ target: 19.5 }), Date.now()));
    expect(within(dialog).getByRole('textbox', { name: 'Home temperature' })).toHaveValue('19.5');
  });

  it('keeps the thermostat it opened for when another is chosen, and sends to that one only', async () => {
    const user = userEvent.setup();
    const hall = pairedHall();
    const attic = new TestThermostat();
    appStore.getState().addThermostat({ id: attic.id, key: attic.keyText, name: 'Attic' });
    const commands = fakeCommands();
    const { rerender } = render(
      <CommandsContext value={commands}>
        <SettingsDialog thermostatId={hall} onClose={() => undefined} />
      </CommandsContext>,
    );
    rerender(
      <CommandsContext value={commands}>
        <SettingsDialog thermostatId={attic.id} onClose={() => undefined} />
      </CommandsContext>,
    );
    const dialog = screen.getByRole('dialog', { name: 'Settings' });
    const away = within(within(dialog).getByRole('region', { name: 'Hall' })).getByRole('textbox', { name: 'Away temperature' });
    await user.clear(away);
    await user.type(away, '15');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(commands.sendSettingsTo).toHaveBeenCalledExactlyOnceWith(hall, { away_target: 15 });
  });

  it('says the thermostat is gone when it is removed from its own list, and sends it nothing', async () => {
    const user = userEvent.setup();
    const hall = pairedHall();
    const attic = new TestThermostat();
    appStore.getState().addThermostat({ id: attic.id, key: attic.keyText, name: 'Attic' });
    appStore.getState().receiveState(attic.id, attic.stateMessage({ target: 18 }), Date.now());
    vi.stubGlobal('confirm', () => true);
    try {
      const { dialog, commands } = renderDialog({ thermostatId: hall });
      const away = within(dialog).getByRole('textbox', { name: 'Away temperature' });
      await user.clear(away);
      await user.type(away, '15');
      await user.click(within(dialog).getByRole('button', { name: 'Remove Hall' }));
      expect(within(dialog).getByRole('region', { name: 'Hall' })).toHaveTextContent('Hall was removed from this app');
      expect(within(dialog).queryByRole('textbox', { name: 'Away temperature' })).toBeNull();
      await user.click(within(dialog).getByRole('button', { name: 'Save' }));
      expect(commands.sendSettingsTo).not.toHaveBeenCalled();
      expect(commands.sendSettings).not.toHaveBeenCalled();
    } finally {
      vi.unstubAllGlobals();
    }
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
