import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StateMessage } from '@protocol';
import { CommandsContext, type ThermostatCommands } from '@/lib/connection/commands-context';
import { TestThermostat } from '@/lib/connection/testing/test-thermostat';
import { appStore } from '@/stores/app-store';
import { SET_DEBOUNCE_MS } from './target-step';
import { ThermostatScreen } from './thermostat-screen';

const THERMOSTAT = { id: 'Q6iTIJWV4zn_64zH2sbXMa', key: 'heDmCLojfFJ7Yc_5_3iKaddIuPY_IUa1UQn136DerAs', name: 'Living room' };
const OWN_ID = 'AppAppAppAppAppAppAppA';

/** Commands that behave like the client towards the store: what was sent is pending until a STATE confirms. */
function fakeCommands(): ThermostatCommands & { sent: unknown[] } {
  const sent: unknown[] = [];
  return {
    sent,
    sendSettings: (settings) => {
      sent.push(settings);
      appStore.getState().setPendingSettings({ ...appStore.getState().pendingSettings, ...settings });
    },
    sendPresence: (presence) => sent.push(presence),
    forgetPresence: () => undefined,
    retryNow: () => undefined,
  };
}

function showState(overrides: Partial<StateMessage> = {}, receivedAt = Date.now()) {
  act(() => appStore.getState().receiveState(THERMOSTAT.id, new TestThermostat().stateMessage(overrides), receivedAt));
}

function confirm(overrides: Partial<StateMessage>) {
  act(() => {
    appStore.getState().setPendingSettings(null);
    appStore.getState().receiveState(THERMOSTAT.id, new TestThermostat().stateMessage(overrides), Date.now());
  });
}

function renderScreen(commands = fakeCommands()) {
  appStore.getState().addThermostat(THERMOSTAT);
  render(
    <CommandsContext value={commands}>
      <ThermostatScreen ownId={OWN_ID} />
    </CommandsContext>,
  );
  return commands;
}

describe('thermostat screen', () => {
  beforeEach(() => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('shows the readings by their accessible names', () => {
    renderScreen();
    showState({ temperature: 21.36, humidity: 41.2, pressure: 1013.1, heater: true, regime: 'home', target: 21.5 });
    expect(screen.getByLabelText('Current temperature')).toHaveTextContent('21.4 °C');
    expect(screen.getByLabelText('Heater')).toHaveTextContent('On');
    expect(screen.getByLabelText('Regime')).toHaveTextContent('Home');
    expect(screen.getByLabelText('Humidity')).toHaveTextContent('41 %');
    expect(screen.getByLabelText('Pressure')).toHaveTextContent('1013 hPa');
    expect(screen.getByLabelText('Last update')).toHaveTextContent('Updated just now');
    const target = screen.getByRole('spinbutton', { name: 'Target temperature' });
    expect(target).toHaveAttribute('aria-valuetext', '21.5 °C');
    expect(target).toHaveAttribute('aria-valuenow', '21.5');
  });

  it('shows a dash, not a number, before any reading', () => {
    renderScreen();
    expect(screen.getByLabelText('Current temperature')).toHaveTextContent('—');
    expect(screen.getByRole('button', { name: 'Increase target temperature' })).toBeDisabled();
  });

  it('turns a run of taps into one SET and shows it pending until a STATE confirms it', async () => {
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    const commands = renderScreen();
    showState({ target: 21 });
    const increase = screen.getByRole('button', { name: 'Increase target temperature' });
    await user.click(increase);
    await user.click(increase);
    await user.click(increase);
    const target = screen.getByRole('spinbutton', { name: 'Target temperature' });
    expect(target).toHaveAttribute('aria-valuetext', '22.5 °C');
    expect(target).toHaveAttribute('aria-busy', 'true');
    expect(screen.getByText('Sending…')).toBeVisible();
    expect(commands.sent).toEqual([]);
    act(() => vi.advanceTimersByTime(SET_DEBOUNCE_MS));
    expect(commands.sent).toEqual([{ target: 22.5 }]);
    expect(target).toHaveAttribute('aria-busy', 'true');
    confirm({ target: 22.5 });
    expect(target).toHaveAttribute('aria-busy', 'false');
    expect(target).toHaveAttribute('aria-valuetext', '22.5 °C');
    expect(screen.queryByText('Sending…')).toBeNull();
  });

  it('shows the thermostat’s value once it answers, even if it differs', async () => {
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    renderScreen();
    showState({ target: 21 });
    await user.click(screen.getByRole('button', { name: 'Decrease target temperature' }));
    act(() => vi.advanceTimersByTime(SET_DEBOUNCE_MS));
    confirm({ target: 20.8 });
    expect(screen.getByRole('spinbutton', { name: 'Target temperature' })).toHaveAttribute('aria-valuetext', '20.8 °C');
  });

  it('works from the keyboard: arrows step by 0.5 °C and Enter sends at once', async () => {
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    const commands = renderScreen();
    showState({ target: 21.3 });
    const target = screen.getByRole('spinbutton', { name: 'Target temperature' });
    target.focus();
    await user.keyboard('{ArrowUp}{ArrowUp}{ArrowDown}{ArrowUp}');
    expect(target).toHaveAttribute('aria-valuetext', '22.0 °C');
    await user.keyboard('{Enter}');
    expect(commands.sent).toEqual([{ target: 22 }]);
  });

  it('sends the mode at once and reads it back from the thermostat', async () => {
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    const commands = renderScreen();
    showState({ mode: 'auto' });
    const mode = screen.getByRole('radiogroup', { name: 'Mode' });
    expect(within(mode).getByRole('radio', { name: /Auto/ })).toBeChecked();
    await user.click(within(mode).getByRole('radio', { name: /Away/ }));
    expect(commands.sent).toEqual([{ mode: 'away' }]);
    expect(within(mode).getByRole('radio', { name: /Away/ })).toBeChecked();
    confirm({ mode: 'away', regime: 'away' });
    expect(screen.getByLabelText('Regime')).toHaveTextContent('Away');
    expect(screen.getByText('Set by hand: mode Away')).toBeVisible();
  });

  it('warns clearly when the sensor fails', () => {
    renderScreen();
    showState({ sensor_ok: false, temperature: null, humidity: null, pressure: null, heater: false });
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('Sensor fault');
    expect(alert).toHaveTextContent('heater is held off');
    expect(screen.getByLabelText('Current temperature')).toHaveTextContent('—');
  });

  it('says while the thermostat could not save its settings that it keeps trying, and stops saying it once saved', () => {
    renderScreen();
    showState({ target: 21 });
    confirm({ target: 22, error: 'storage' });
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('Settings not saved yet');
    expect(alert).toHaveTextContent('could not save the latest change to its memory and keeps trying');
    expect(screen.queryByText(/refused/)).toBeNull();
    expect(screen.getByRole('spinbutton', { name: 'Target temperature' })).toHaveAttribute('aria-valuenow', '22');
    showState({ target: 22, error: null });
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('lists members with presence, distance and the age of their report', () => {
    // From a whole second, as useNow rounds up to the next one: no second boundary falls between the STATE and the check.
    vi.setSystemTime(new Date('2026-12-02T08:00:00.000Z'));
    renderScreen();
    showState({
      members: [
        { id: OWN_ID, name: 'Ana', home: true, distance: 120, age_s: 42, source: 'app' },
        { id: 'BenBenBenBenBenBenBenB', name: 'Ben', home: false, distance: 12_300, age_s: 600, source: 'app' },
      ],
    });
    const items = within(screen.getByRole('list', { name: 'Members' })).getAllByRole('listitem');
    expect(items[0]).toHaveTextContent(/Ana \(you\).*Home.*120 m from home.*reported 42 s ago/);
    expect(items[1]).toHaveTextContent(/Ben.*Away.*12 km from home.*reported 10 min ago/);
    expect(screen.getByText('Auto: Ana is home')).toBeVisible();
  });

  it('says how old the shown state is', () => {
    renderScreen();
    showState({}, Date.now() - 3 * 60_000);
    expect(screen.getByLabelText('Last update')).toHaveTextContent('Updated 3 min ago');
    act(() => vi.advanceTimersByTime(60_000));
    expect(screen.getByLabelText('Last update')).toHaveTextContent('Updated 4 min ago');
  });
});
