import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TestThermostat } from '@/lib/link/testing/test-thermostat';
import { appStore } from '@/stores/app-store';
import { RoomsOverview } from './rooms-overview';

const NOW = Date.parse('2026-12-02T10:00:00Z');

function pair(name: string) {
  const thermostat = new TestThermostat();
  appStore.getState().addThermostat({ id: thermostat.id, key: thermostat.keyText, name });
  return thermostat;
}

function room(name: string) {
  return within(screen.getByRole('list', { name: 'Rooms' }))
    .getAllByRole('listitem')
    .find((item) => within(item).queryByRole('heading', { name }) !== null) as HTMLElement;
}

const shown = (name: string, label: string) => within(room(name)).getByLabelText(label, { selector: 'dd' });

describe('RoomsOverview', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: NOW });
    appStore.getState().setBrokerStatus('connected');
  });
  afterEach(() => vi.useRealTimers());

  it('shows every room with its temperature, the set point it holds and its heater, live or how old and why not', () => {
    const living = pair('Living room');
    const hall = pair('Hall');
    pair('Attic');
    appStore.getState().receiveState(living.id, living.stateMessage({ temperature: 20.5, setpoint: 21, setpoint_source: 'comfort', heater: true }), NOW);
    appStore.getState().setSessionStatus(living.id, 'live');
    appStore.getState().receiveState(hall.id, hall.stateMessage({ temperature: 17.2, setpoint: 16, setpoint_source: 'away', heater: false }), NOW - 3 * 60_000);
    appStore.getState().setSessionStatus(hall.id, 'thermostat-offline');
    render(<RoomsOverview />);

    expect(shown('Living room', 'Temperature')).toHaveTextContent('20.5 °C');
    expect(shown('Living room', 'Holding')).toHaveTextContent('21.0 °C');
    expect(shown('Living room', 'Heater')).toHaveTextContent('On');
    expect(shown('Living room', 'Status')).toHaveTextContent(/^Live$/);
    expect(room('Living room')).not.toHaveClass('room-stale');

    expect(shown('Hall', 'Temperature')).toHaveTextContent('17.2 °C');
    expect(shown('Hall', 'Holding')).toHaveTextContent('16.0 °C');
    expect(shown('Hall', 'Heater')).toHaveTextContent('Off');
    expect(shown('Hall', 'Status')).toHaveTextContent('Thermostat offline · reading from 3 min ago');
    expect(room('Hall')).toHaveClass('room-stale');

    expect(shown('Attic', 'Temperature')).toHaveTextContent('—');
    expect(shown('Attic', 'Status')).toHaveTextContent('Checking the thermostat · no reading yet');
    expect(room('Attic')).toHaveClass('room-stale');
    // Each room's button is described by its status, so a screen reader hears "Hall, Thermostat offline…".
    expect(within(room('Hall')).getByRole('button', { name: 'Hall' })).toHaveAccessibleDescription('Thermostat offline · reading from 3 min ago');
  });

  it('turns a live room stale once its last STATE is older than 65 s, without any new event', () => {
    const living = pair('Living room');
    appStore.getState().receiveState(living.id, living.stateMessage(), NOW);
    appStore.getState().setSessionStatus(living.id, 'live');
    render(<RoomsOverview />);
    expect(shown('Living room', 'Status')).toHaveTextContent(/^Live$/);
    act(() => vi.advanceTimersByTime(70_000));
    expect(shown('Living room', 'Status')).toHaveTextContent('Checking the thermostat · reading from 1 min ago');
    expect(room('Living room')).toHaveClass('room-stale');
  });

  it('says when the broker cannot be reached, for every room', () => {
    const living = pair('Living room');
    appStore.getState().receiveState(living.id, living.stateMessage(), NOW - 10_000);
    appStore.getState().setSessionStatus(living.id, 'live');
    appStore.getState().setBrokerStatus('offline');
    render(<RoomsOverview />);
    expect(shown('Living room', 'Status')).toHaveTextContent('Cannot reach the broker · reading from 10 s ago');
  });

  it('opens the room chosen', async () => {
    vi.useRealTimers();
    pair('Living room');
    const hall = pair('Hall');
    pair('Attic');
    appStore.getState().showRooms();
    render(<RoomsOverview />);
    await userEvent.click(screen.getByRole('button', { name: 'Hall' }));
    expect(appStore.getState()).toMatchObject({ selectedId: hall.id, screen: 'thermostat' });
  });
});
