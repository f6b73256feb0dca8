import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StateMessage } from '@protocol';
import { CommandsContext } from '@/lib/link/commands-context';
import { TestThermostat } from '@/lib/link/testing/test-thermostat';
import { appStore } from '@/stores/app-store';
import { storeCommands } from '@/stores/testing/store-commands';
import { SET_DEBOUNCE_MS } from './target-step';
import { ThermostatScreen } from './thermostat-screen';

// Testing Library's async wrapper (which userEvent awaits) moves fake timers on only where it finds `jest`: with
// vitest's plain fake timers it would wait forever for its own setTimeout(0). It finds vitest's clock instead.
vi.stubGlobal('jest', { advanceTimersByTime: (ms: number) => vi.advanceTimersByTime(ms) });

const THERMOSTAT = { id: 'Q6iTIJWV4zn_64zH2sbXMa', key: 'heDmCLojfFJ7Yc_5_3iKaddIuPY_IUa1UQn136DerAs', name: 'Living room' };
const OWN_ID = 'AppAppAppAppAppAppAppA';

const fakeCommands = () => storeCommands(appStore);

function showState(overrides: Partial<StateMessage> = {}, receivedAt = Date.now()) {
  act(() => appStore.getState().receiveState(THERMOSTAT.id, new TestThermostat().stateMessage(overrides), receivedAt));
}

function confirm(overrides: Partial<StateMessage>) {
  act(() => {
    appStore.getState().setPendingSettingsOf(THERMOSTAT.id, null);
    appStore.getState().receiveState(THERMOSTAT.id, new TestThermostat().stateMessage(overrides), Date.now());
  });
}

/** The broker link logged on and the thermostat's session live: what a fresh STATE needs to look current. */
function goLive() {
  appStore.getState().setBrokerStatus('connected');
  appStore.getState().setSessionStatus(THERMOSTAT.id, 'live');
}

/** The screen, once its controls (each in a chunk of its own) are in. */
async function renderScreen(commands = fakeCommands()) {
  appStore.getState().addThermostat(THERMOSTAT);
  appStore.getState().setOwnId(OWN_ID);
  goLive();
  render(
    <CommandsContext value={commands}>
      <ThermostatScreen />
    </CommandsContext>,
  );
  await screen.findByRole('spinbutton', { name: 'Target temperature' });
  await screen.findByRole('radiogroup', { name: 'Mode' });
  return commands;
}

describe('thermostat screen', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('shows the readings by their accessible names', async () => {
    await renderScreen();
    showState({ temperature: 21.36, humidity: 41.2, pressure: 1013.1, heater: true, regime: 'home', target: 21.5 });
    expect(screen.getByLabelText('Current temperature')).toHaveTextContent('21.4 °C');
    expect(screen.getByLabelText('Heater')).toHaveTextContent('On');
    expect(screen.getByLabelText('Home or away')).toHaveTextContent('Home');
    expect(screen.getByLabelText('Humidity')).toHaveTextContent('41 %');
    expect(screen.getByLabelText('Pressure')).toHaveTextContent('1013 hPa');
    expect(screen.getByLabelText('Last update')).toHaveTextContent('Updated just now');
    const target = screen.getByRole('spinbutton', { name: 'Target temperature' });
    expect(target).toHaveAttribute('aria-valuetext', '21.5 °C');
    expect(target).toHaveAttribute('aria-valuenow', '21.5');
  });

  it('shows a dash, not a number, before any reading', async () => {
    await renderScreen();
    expect(screen.getByLabelText('Current temperature')).toHaveTextContent('—');
    expect(screen.getByRole('button', { name: 'Increase target temperature' })).toBeDisabled();
  });

  it('turns a run of taps into one SET and shows it pending until a STATE confirms it', async () => {
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    const commands = await renderScreen();
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

  it('sends a change tapped just before leaving the screen, to the thermostat it was tapped on', async () => {
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    const commands = await renderScreen();
    showState({ target: 21 });
    await user.click(screen.getByRole('button', { name: 'Increase target temperature' }));
    cleanup();
    expect(commands.sent).toEqual([{ target: 21.5 }]);
    expect(commands.sentTo).toEqual([THERMOSTAT.id]);
  });

  it('sends a change to the thermostat it was tapped on, though another is shown before it settles', async () => {
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    const commands = await renderScreen();
    showState({ target: 21 });
    await user.click(screen.getByRole('button', { name: 'Increase target temperature' }));
    act(() => {
      appStore.getState().addThermostat({ ...THERMOSTAT, id: 'HallHallHallHallHallHa', name: 'Hall' });
      appStore.getState().selectThermostat('HallHallHallHallHallHa');
    });
    act(() => vi.advanceTimersByTime(SET_DEBOUNCE_MS));
    expect(commands.sentTo).toEqual([THERMOSTAT.id]);
  });

  it('shows the thermostat’s value once it answers, even if it differs', async () => {
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    await renderScreen();
    showState({ target: 21 });
    await user.click(screen.getByRole('button', { name: 'Decrease target temperature' }));
    act(() => vi.advanceTimersByTime(SET_DEBOUNCE_MS));
    confirm({ target: 20.8 });
    expect(screen.getByRole('spinbutton', { name: 'Target temperature' })).toHaveAttribute('aria-valuetext', '20.8 °C');
  });

  it('works from the keyboard: arrows step by 0.5 °C and Enter sends at once', async () => {
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    const commands = await renderScreen();
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
    const commands = await renderScreen();
    showState({ mode: 'auto' });
    const mode = screen.getByRole('radiogroup', { name: 'Mode' });
    expect(within(mode).getByRole('radio', { name: /Auto/ })).toBeChecked();
    await user.click(within(mode).getByRole('radio', { name: /Away/ }));
    expect(commands.sent).toEqual([{ mode: 'away' }]);
    expect(within(mode).getByRole('radio', { name: /Away/ })).toBeChecked();
    confirm({ mode: 'away', regime: 'away' });
    expect(screen.getByLabelText('Home or away')).toHaveTextContent('Away');
    expect(screen.getByLabelText('Why this set point')).toHaveTextContent('Using the away temperature: mode Away, set by hand');
  });

  it('warns clearly when the sensor fails', async () => {
    await renderScreen();
    showState({ sensor_ok: false, temperature: null, humidity: null, pressure: null, heater: false });
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('Sensor fault');
    expect(alert).toHaveTextContent('heater is held off');
    expect(screen.getByLabelText('Current temperature')).toHaveTextContent('—');
  });

  it('says while the thermostat could not save its settings that it keeps trying, and stops saying it once saved', async () => {
    await renderScreen();
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

  it('lists members with presence, distance and the age of their report', async () => {
    // From a whole second, as useNow rounds up to the next one: no second boundary falls between the STATE and the check.
    vi.setSystemTime(new Date('2026-12-02T08:00:00.000Z'));
    await renderScreen();
    showState({
      members: [
        { id: OWN_ID, name: 'Ana', home: true, distance: 120, age_s: 42, source: 'app' },
        { id: 'BenBenBenBenBenBenBenB', name: 'Ben', home: false, distance: 12_300, age_s: 600, source: 'app' },
      ],
    });
    const items = within(screen.getByRole('list', { name: 'Members' })).getAllByRole('listitem');
    expect(items[0]).toHaveTextContent(/Ana \(you\).*Home.*120 m from home.*reported 42 s ago/);
    expect(items[1]).toHaveTextContent(/Ben.*Away.*12 km from home.*reported 10 min ago/);
    expect(screen.getByLabelText('Why this set point')).toHaveTextContent('Using the comfort temperature: Ana is home');
  });

  it('says how old the shown state is', async () => {
    await renderScreen();
    showState({}, Date.now() - 3 * 60_000);
    expect(screen.getByLabelText('Last update')).toHaveTextContent('Last heard 3 min ago — checking the thermostat');
    act(() => vi.advanceTimersByTime(60_000));
    expect(screen.getByLabelText('Last update')).toHaveTextContent('Last heard 4 min ago — checking the thermostat');
  });
});

describe('thermostat screen: honest when the thermostat is out of reach', () => {
  beforeEach(() => {
    // From a whole second, as useNow rounds up to the next one: no second boundary falls between the STATE and the check.
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-12-02T08:00:00.000Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const readings = () => screen.getByRole('region', { name: 'Readings' });

  it('looks old and says so 65 s after the last STATE, and says the thermostat is offline once the link knows', async () => {
    await renderScreen();
    showState({ temperature: 21.36 });
    act(() => vi.advanceTimersByTime(64_000));
    expect(readings()).not.toHaveClass('is-stale');
    expect(screen.getByLabelText('Last update')).toHaveTextContent('Updated 1 min ago');
    act(() => vi.advanceTimersByTime(1_000));
    expect(readings()).toHaveClass('is-stale');
    expect(screen.getByLabelText('Last update')).toHaveTextContent('Last heard 1 min ago — checking the thermostat');
    expect(screen.getByLabelText('Current temperature')).toHaveAccessibleDescription('Last heard 1 min ago — checking the thermostat');
    act(() => appStore.getState().setSessionStatus(THERMOSTAT.id, 'thermostat-offline'));
    act(() => vi.advanceTimersByTime(2 * 60_000));
    expect(screen.getByLabelText('Last update')).toHaveTextContent('Last heard 3 min ago — thermostat offline');
    // A new STATE on a live session looks current again.
    act(() => appStore.getState().setSessionStatus(THERMOSTAT.id, 'live'));
    showState({ temperature: 21.4 });
    expect(readings()).not.toHaveClass('is-stale');
    expect(screen.getByLabelText('Last update')).toHaveTextContent('Updated just now');
  });

  it('looks old at once when the broker is out of reach, whatever the age of the STATE', async () => {
    await renderScreen();
    showState();
    act(() => appStore.getState().setBrokerStatus('offline'));
    expect(readings()).toHaveClass('is-stale');
    expect(screen.getByLabelText('Last update')).toHaveTextContent('Last heard just now — cannot reach the broker');
  });

  it('queues a target and a mode changed while the thermostat is offline, says so, and never says Sending… then', async () => {
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    const commands = await renderScreen();
    showState({ target: 21, mode: 'auto' });
    act(() => appStore.getState().setSessionStatus(THERMOSTAT.id, 'thermostat-offline'));
    // Boost and away-until run from when the thermostat takes them: they are not queued.
    expect(await screen.findByRole('button', { name: 'Boost' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Away until…' })).toBeDisabled();
    expect(screen.getByText('Boost and away-until can be started once the thermostat is back.')).toBeVisible();

    await user.click(screen.getByRole('button', { name: 'Increase target temperature' }));
    act(() => vi.advanceTimersByTime(SET_DEBOUNCE_MS));
    expect(commands.sent).toEqual([{ target: 21.5 }]);
    const targetCard = screen.getByRole('region', { name: 'Target' });
    expect(within(targetCard).getByText('Will send when the thermostat is back')).toBeVisible();
    await user.click(within(screen.getByRole('radiogroup', { name: 'Mode' })).getByRole('radio', { name: /Away/ }));
    expect(within(screen.getByRole('region', { name: 'Mode' })).getByText('Will send when the thermostat is back')).toBeVisible();
    expect(screen.queryByText('Sending…')).toBeNull();

    // Back: what is still pending is on its way; a command without an answer ends in words, not in Sending… forever.
    act(() => appStore.getState().setSessionStatus(THERMOSTAT.id, 'live'));
    expect(within(targetCard).getByText('Sending…')).toBeVisible();
    act(() => {
      appStore.getState().setPendingSettingsOf(THERMOSTAT.id, null);
      appStore.getState().setCommandErrorOf(THERMOSTAT.id, 'no-answer');
    });
    expect(screen.getByRole('alert')).toHaveTextContent('The thermostat did not answer, so the change was not made.');
    expect(screen.queryByText('Sending…')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(appStore.getState().commandErrorOf[THERMOSTAT.id]).toBeUndefined();
  });

  it('turns the controls off while the thermostat does not take this phone’s key: nothing sent could take effect', async () => {
    await renderScreen();
    showState({ target: 21 });
    act(() => appStore.getState().setSessionStatus(THERMOSTAT.id, 'wrong-key'));
    expect(screen.getByRole('button', { name: 'Increase target temperature' })).toBeDisabled();
    expect(screen.getByRole('spinbutton', { name: 'Target temperature' })).toHaveAttribute('aria-disabled', 'true');
    for (const radio of within(screen.getByRole('radiogroup', { name: 'Mode' })).getAllByRole('radio')) expect(radio).toBeDisabled();
    expect(await screen.findByRole('button', { name: 'Boost' })).toBeDisabled();
  });

  it('announces politely the heater and a set point changing, and the temperature only once it moved 0.5 °C', async () => {
    await renderScreen();
    const live = readings().querySelector('[aria-live="polite"]');
    expect(live).not.toBeNull();
    // One polite region tells of the readings.
    expect(readings().querySelectorAll('[aria-live]')).toHaveLength(1);
    showState({ temperature: 20.0, target: 21, heater: false, heat_reason: 'in_band' });
    expect(live).toHaveTextContent(/^$/);
    for (const temperature of [20.1, 20.2, 20.3, 20.4]) {
      showState({ temperature, target: 21, heater: false, heat_reason: 'in_band' });
      expect(live).toHaveTextContent(/^$/);
    }
    showState({ temperature: 20.5, target: 21, heater: true, heat_reason: 'below_band' });
    expect(live).toHaveTextContent('Temperature 20.5 °C. Heating: 0.5 °C below the set point');
    showState({ temperature: 20.5, target: 22, heater: true, heat_reason: 'below_band' });
    expect(live).toHaveTextContent('Now holding 22.0 °C');
  });

  it('announces nothing on opening with a restored STATE, nor for the first live one, and reads the same words twice', async () => {
    // As the app opens: the last STATE restored from storage, then the first one received.
    act(() => appStore.getState().receiveState(THERMOSTAT.id, new TestThermostat().stateMessage({ temperature: 18, heater: false }), Date.now() - 600_000));
    await renderScreen();
    const live = readings().querySelector('[aria-live="polite"]');
    showState({ temperature: 20, heater: true, heat_reason: 'below_band', target: 21 });
    expect(live).toHaveTextContent(/^$/);
    showState({ temperature: 20, heater: false, heat_reason: 'in_band', target: 21 });
    const first = live?.firstElementChild;
    expect(live).toHaveTextContent(/^Not heating/);
    showState({ temperature: 20, heater: true, heat_reason: 'below_band', target: 21 });
    showState({ temperature: 20, heater: false, heat_reason: 'in_band', target: 21 });
    // The same sentence again, in a node of its own, which a screen reader reads as new.
    expect(live).toHaveTextContent(first?.textContent ?? '');
    expect(live?.firstElementChild).not.toBe(first);
  });

  it('says in the target note what away holds: the home set point when it is the lower', async () => {
    await renderScreen();
    showState({ mode: 'away', regime: 'away', target: 15, away_target: 16, setpoint: 15, setpoint_source: 'comfort' });
    expect(screen.getByRole('spinbutton', { name: 'Target temperature' })).toHaveAccessibleDescription('Away: holding 15.0 °C. A change sets the comfort target.');
  });

  it('leaves the target note out of the live region: the set point it leads to is announced once, by the readings', async () => {
    await renderScreen();
    expect(screen.getByRole('region', { name: 'Target' }).querySelector('[aria-live]')).toBeNull();
  });
});

describe('thermostat screen: the target from the keyboard, like a slider', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  async function focusTarget(target: number) {
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    const commands = await renderScreen();
    showState({ target });
    const spin = screen.getByRole('spinbutton', { name: 'Target temperature' });
    spin.focus();
    return { user, commands, spin };
  }

  it('moves the draft to 5 °C on Home without sending it, says Enter sends it, and sends where the arrows leave it on Enter', async () => {
    const { user, commands, spin } = await focusTarget(21);
    await user.keyboard('{Home}');
    expect(spin).toHaveAttribute('aria-valuetext', '5.0 °C');
    expect(spin).toHaveAccessibleDescription('Enter to send, Escape to cancel');
    expect(spin).toHaveAttribute('aria-busy', 'false');
    act(() => vi.advanceTimersByTime(20_000));
    expect(commands.sent).toEqual([]);
    expect(screen.queryByText('Sending…')).toBeNull();
    await user.keyboard('{ArrowUp}{ArrowUp}');
    act(() => vi.advanceTimersByTime(20_000));
    expect(commands.sent).toEqual([]);
    await user.keyboard('{Enter}');
    expect(commands.sent).toEqual([{ target: 6 }]);
    expect(screen.getByText('Sending…')).toBeVisible();
  });

  it('drops a held keyboard draft when a boost starts, so it never sends as something else', async () => {
    const { user, commands, spin } = await focusTarget(21);
    await user.keyboard('{PageUp}');
    expect(spin).toHaveAttribute('aria-valuetext', '22.0 °C');
    showState({ target: 21, time: Math.floor(Date.now() / 1000), boost: { setpoint: 23, until: Math.floor(Date.now() / 1000) + 3600 } });
    await user.keyboard('{Enter}');
    fireEvent.blur(spin);
    expect(commands.sent).toEqual([]);
  });

  it('drops a draft on Escape: End never sends 30 °C by itself', async () => {
    const { user, commands, spin } = await focusTarget(21);
    await user.keyboard('{End}');
    expect(spin).toHaveAttribute('aria-valuetext', '30.0 °C');
    await user.keyboard('{Escape}');
    expect(spin).toHaveAttribute('aria-valuetext', '21.0 °C');
    act(() => vi.advanceTimersByTime(60_000));
    expect(commands.sent).toEqual([]);
  });

  it('steps by whole degrees on PageUp and PageDown, and sends the draft once on leaving the control', async () => {
    const { user, commands, spin } = await focusTarget(21.3);
    await user.keyboard('{PageUp}');
    expect(spin).toHaveAttribute('aria-valuetext', '22.0 °C');
    await user.keyboard('{PageUp}{PageUp}{PageDown}');
    expect(spin).toHaveAttribute('aria-valuetext', '23.0 °C');
    expect(commands.sent).toEqual([]);
    await user.tab();
    expect(commands.sent).toEqual([{ target: 23 }]);
  });
});

describe('thermostat screen: boost, hold and away-until', () => {
  // The dialogs load when opened: loaded once here, so that opening one waits on no real time under fake timers.
  beforeAll(async () => {
    await Promise.all([import('./boost-dialog'), import('./away-until-dialog')]);
  });

  // Wednesday 2 December 2026, 09:00 on the thermostat's wall in Berlin: a whole second, as useNow rounds up.
  const T0 = Date.UTC(2026, 11, 2, 8) / 1000;
  const CET = 'CET-1CEST,M3.5.0,M10.5.0/3';
  const BERLIN = { time: T0, clock: 'sntp', time_zone: CET } as const;
  const WEDNESDAY_SCHEDULE = [[], [], [[390, 21], [1320, 17]], [], [], [], []] as const;
  const utc = (text: string) => Date.parse(text) / 1000;

  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0 * 1000);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const setup = () => userEvent.setup({ advanceTimers: vi.advanceTimersByTime });

  /** Opens Boost on the Berlin thermostat, types `text` as its temperature and presses Start boost. */
  async function startBoostWith(text: string) {
    const user = setup();
    const commands = await renderScreen();
    showState(BERLIN);
    await user.click(await screen.findByRole('button', { name: 'Boost' }));
    const field = await screen.findByLabelText('Boost temperature (°C)');
    await user.clear(field);
    await user.type(field, text);
    await user.click(screen.getByRole('button', { name: 'Start boost' }));
    return { user, commands, field };
  }

  it('starts a boost two degrees above what is held, for the length chosen, and gives focus back to the Boost button', async () => {
    const user = setup();
    const commands = await renderScreen();
    showState({ ...BERLIN, target: 21 });
    const boost = await screen.findByRole('button', { name: 'Boost' });
    await user.click(boost);
    const dialog = await screen.findByRole('dialog', { name: 'Boost' });
    expect(within(dialog).getByLabelText('Boost temperature (°C)')).toHaveValue('23.0');
    await user.click(within(dialog).getByRole('radio', { name: '2 h' }));
    await user.click(within(dialog).getByRole('button', { name: 'Start boost' }));
    expect(commands.sent).toEqual([{ boost: { setpoint: 23, minutes: 120 } }]);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(boost).toHaveFocus();
    expect(within(screen.getByRole('region', { name: 'Boost and away' })).getByText('Sending…')).toBeVisible();

    confirm({ ...BERLIN, target: 21, boost: { setpoint: 23, until: T0 + 7200 } });
    expect(screen.getByText('Boost to 23.0 °C until 11:00')).toBeVisible();
    expect(screen.getByLabelText('Holding')).toHaveTextContent('Holding 23.0 °C · boost');
    expect(screen.queryByRole('button', { name: 'Boost' })).toBeNull();
    // The Boost button went with the STATE: focus is on what replaced it.
    expect(screen.getByRole('button', { name: 'Cancel boost' })).toHaveFocus();
    await user.click(screen.getByRole('button', { name: 'Cancel boost' }));
    expect(commands.sent.at(-1)).toEqual({ boost: null });
  });

  it('keeps focus in the card when the STATE takes the focused button away', async () => {
    const user = setup();
    await renderScreen();
    showState({ ...BERLIN, boost: { setpoint: 23, until: T0 + 3600 } });
    await user.click(await screen.findByRole('button', { name: 'Cancel boost' }));
    confirm(BERLIN);
    // Boost and Cancel boost swap places: focus goes to the one that is there now.
    expect(screen.getByRole('button', { name: 'Boost' })).toHaveFocus();

    showState({ ...BERLIN, schedule: WEDNESDAY_SCHEDULE, manual: { setpoint: 22, until: utc('2026-12-02T21:00:00Z') } });
    await user.click(screen.getByRole('button', { name: 'Resume schedule' }));
    confirm({ ...BERLIN, schedule: WEDNESDAY_SCHEDULE });
    expect(screen.getByRole('heading', { name: 'Boost and away' })).toHaveFocus();

    showState({ ...BERLIN, away_until: { until: utc('2026-12-06T17:00:00Z'), preheat_minutes: 0 } });
    await user.click(screen.getByRole('button', { name: 'Cancel away-until' }));
    confirm(BERLIN);
    expect(screen.getByRole('button', { name: 'Away until…' })).toHaveFocus();
  });

  it('refuses a boost temperature out of range before sending anything, and says why', async () => {
    const { user, commands, field } = await startBoostWith('31');
    expect(screen.getByRole('alert')).toHaveTextContent('The boost temperature must be 5 to 30 °C, in steps of 0.1 °C.');
    expect(field).toHaveAccessibleDescription('The boost temperature must be 5 to 30 °C, in steps of 0.1 °C.');
    expect(commands.sent).toEqual([]);
    await user.click(screen.getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByRole('button', { name: 'Boost' })).toHaveFocus();
  });

  it('takes the boost temperature as the schedule editor does, and drops its alert once the value is being corrected', async () => {
    const { user, commands, field } = await startBoostWith('2.3e1');
    expect(screen.getByRole('alert')).toHaveTextContent('The boost temperature must be 5 to 30 °C');
    await user.clear(field);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(field).toHaveAttribute('aria-invalid', 'false');
    await user.type(field, '22,5');
    await user.click(screen.getByRole('button', { name: 'Start boost' }));
    expect(commands.sent).toEqual([{ boost: { setpoint: 22.5, minutes: 60 } }]);
  });

  it('re-saves an away-until with only a new warm-up at exactly the until the thermostat has', async () => {
    const user = setup();
    const commands = await renderScreen();
    // Set elsewhere to the second: the field shows 18:00, which read back would be 30 s earlier.
    const until = utc('2026-12-06T17:00:30Z');
    showState({ ...BERLIN, away_until: { until, preheat_minutes: 60 } });
    await user.click(await screen.findByRole('button', { name: 'Away until…' }));
    expect(await screen.findByLabelText('Back on')).toHaveValue('2026-12-06T18:00');
    await user.click(screen.getByRole('radio', { name: '2 h' }));
    await user.click(screen.getByRole('button', { name: 'Set away-until' }));
    expect(commands.sent).toEqual([{ away_until: { until, preheat_minutes: 120 } }]);
  });

  it('sets away-until at a time on the thermostat’s wall, with a warm-up, and cancels it', async () => {
    const user = setup();
    const commands = await renderScreen();
    showState(BERLIN);
    const awayUntil = await screen.findByRole('button', { name: 'Away until…' });
    await user.click(awayUntil);
    const dialog = await screen.findByRole('dialog', { name: 'Away until' });
    const backOn = within(dialog).getByLabelText('Back on');
    expect(backOn).toHaveValue('2026-12-03T18:00');
    fireEvent.change(backOn, { target: { value: '2026-12-06T18:00' } });
    await user.click(within(dialog).getByRole('radio', { name: '2 h' }));
    await user.click(within(dialog).getByRole('button', { name: 'Set away-until' }));
    expect(commands.sent).toEqual([{ away_until: { until: utc('2026-12-06T17:00:00Z'), preheat_minutes: 120 } }]);
    expect(awayUntil).toHaveFocus();

    confirm({ ...BERLIN, away_until: { until: utc('2026-12-06T17:00:00Z'), preheat_minutes: 120 } });
    expect(screen.getByText('Away until Sun 18:00, warming up from 16:00')).toBeVisible();
    await user.click(screen.getByRole('button', { name: 'Cancel away-until' }));
    expect(commands.sent.at(-1)).toEqual({ away_until: null });
  });

  it('refuses an away-until already past, and one the clocks skip, before sending anything', async () => {
    const user = setup();
    const commands = await renderScreen();
    showState(BERLIN);
    await user.click(screen.getByRole('button', { name: 'Away until…' }));
    const backOn = screen.getByLabelText('Back on');
    fireEvent.change(backOn, { target: { value: '2026-12-02T08:30' } });
    await user.click(screen.getByRole('button', { name: 'Set away-until' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Choose a time that is still to come.');
    // Correcting the value takes the alert about the old one away; Set finds the next problem.
    fireEvent.change(backOn, { target: { value: '2027-03-28T02:00' } });
    expect(screen.queryByRole('alert')).toBeNull();
    fireEvent.change(backOn, { target: { value: '2027-03-28T02:30' } });
    await user.click(screen.getByRole('button', { name: 'Set away-until' }));
    expect(screen.getByRole('alert')).toHaveTextContent('The clocks go forward then, so that time never comes.');
    expect(commands.sent).toEqual([]);
  });

  it('while the schedule runs, the +/− holds until the next switch point, and Resume schedule ends the hold', async () => {
    const user = setup();
    const commands = await renderScreen();
    showState({ ...BERLIN, target: 20, schedule: WEDNESDAY_SCHEDULE });
    const target = screen.getByRole('spinbutton', { name: 'Target temperature' });
    expect(target).toHaveAttribute('aria-valuetext', '21.0 °C');
    expect(screen.getByText('A change holds until 22:00, then the schedule')).toBeVisible();
    await user.click(screen.getByRole('button', { name: 'Increase target temperature' }));
    act(() => vi.advanceTimersByTime(SET_DEBOUNCE_MS));
    expect(commands.sent).toEqual([{ manual: 21.5 }]);
    expect(target).toHaveAttribute('aria-busy', 'true');

    confirm({ ...BERLIN, target: 20, schedule: WEDNESDAY_SCHEDULE, manual: { setpoint: 21.5, until: utc('2026-12-02T21:00:00Z') } });
    expect(target).toHaveAttribute('aria-valuetext', '21.5 °C');
    expect(target).toHaveAttribute('aria-busy', 'false');
    expect(screen.getByText('Held until 22:00, then the schedule')).toBeVisible();
    expect(screen.getByText('Held at 21.5 °C until 22:00')).toBeVisible();
    await user.click(screen.getByRole('button', { name: 'Resume schedule' }));
    expect(commands.sent.at(-1)).toEqual({ manual: null });
  });

  it('offers to end a hold that has no end, as when the schedule is not running', async () => {
    const user = setup();
    const commands = await renderScreen();
    showState({ ...BERLIN, manual: { setpoint: 22, until: null } });
    expect(screen.getByText('Held at 22.0 °C until changed')).toBeVisible();
    expect(screen.getByText('Held until changed')).toBeVisible();
    expect(screen.queryByRole('button', { name: 'Resume schedule' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'End hold' }));
    expect(commands.sent).toEqual([{ manual: null }]);
    expect(within(screen.getByRole('region', { name: 'Boost and away' })).getByText('Sending…')).toBeVisible();
  });

  it('shows a stored boost while the clock is unknown, and says it waits for the clock', async () => {
    await renderScreen();
    showState({ time: null, clock: null, time_zone: CET, boost: { setpoint: 23, until: T0 + 3600 } });
    expect(screen.getByText('Boost to 23.0 °C until 10:00')).toBeVisible();
    expect(screen.getByText('These start once the thermostat knows the time.')).toBeVisible();
    expect(screen.getByLabelText('Holding')).toHaveTextContent('Holding 21.0 °C · comfort');
  });

  it('while the schedule runs and the house is away, the +/− holds, since a new target would change nothing held', async () => {
    const user = setup();
    const commands = await renderScreen();
    // Away holds the lower of the schedule's 21.0 and the away temperature: a hold beats both (rows 2 and 4).
    showState({ ...BERLIN, target: 20, away_target: 16, regime: 'away', setpoint: 16, setpoint_source: 'away', schedule: WEDNESDAY_SCHEDULE });
    const target = screen.getByRole('spinbutton', { name: 'Target temperature' });
    expect(target).toHaveAttribute('aria-valuetext', '16.0 °C');
    expect(target).toHaveAccessibleDescription('A change holds until 22:00, then the schedule');
    await user.click(screen.getByRole('button', { name: 'Increase target temperature' }));
    act(() => vi.advanceTimersByTime(SET_DEBOUNCE_MS));
    expect(commands.sent).toEqual([{ manual: 16.5 }]);
  });

  it('while a boost runs, the +/− is off and says to cancel the boost, which beats any hold', async () => {
    const user = setup();
    const commands = await renderScreen();
    showState({ ...BERLIN, target: 20, schedule: WEDNESDAY_SCHEDULE, setpoint: 23, setpoint_source: 'boost', boost: { setpoint: 23, until: T0 + 3600 } });
    const increase = screen.getByRole('button', { name: 'Increase target temperature' });
    expect(increase).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Decrease target temperature' })).toBeDisabled();
    expect(increase).toHaveAccessibleDescription('Cancel the boost to change the temperature.');
    expect(screen.getByRole('spinbutton', { name: 'Target temperature' })).toHaveAttribute('aria-valuetext', '23.0 °C');
    fireEvent.keyDown(screen.getByRole('spinbutton', { name: 'Target temperature' }), { key: 'ArrowUp' });
    act(() => vi.advanceTimersByTime(SET_DEBOUNCE_MS));
    expect(commands.sent).toEqual([]);

    await user.click(screen.getByRole('button', { name: 'Cancel boost' }));
    confirm({ ...BERLIN, target: 20, schedule: WEDNESDAY_SCHEDULE });
    expect(screen.getByRole('button', { name: 'Increase target temperature' })).toBeEnabled();
  });

  it('without a schedule running, the +/− changes the comfort target as before', async () => {
    const user = setup();
    const commands = await renderScreen();
    showState({ ...BERLIN, target: 20 });
    const increase = screen.getByRole('button', { name: 'Increase target temperature' });
    expect(increase).toHaveAccessibleDescription('A change sets the comfort target.');
    await user.click(increase);
    act(() => vi.advanceTimersByTime(SET_DEBOUNCE_MS));
    expect(commands.sent).toEqual([{ target: 20.5 }]);
  });

  it.each([
    ['no_clock', 'it does not know the time yet'],
    ['out_of_range', 'a value was out of its range, or a time it was given had already passed'],
  ] as const)('says in words that the thermostat refused a change with %s', async (error, words) => {
    await renderScreen();
    showState(BERLIN);
    showState({ ...BERLIN, error });
    // The link reads a refusal in the STATE as the command's error.
    act(() => appStore.getState().setCommandErrorOf(THERMOSTAT.id, error));
    expect(screen.getByRole('alert')).toHaveTextContent(words);
  });
});
