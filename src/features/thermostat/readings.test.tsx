import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { HEAT_REASONS, SETPOINT_SOURCES, type StateMessage } from '@protocol';
import { TestThermostat } from '@/lib/connection/testing/test-thermostat';
import { Readings } from './readings';

function showReadings(overrides: Partial<StateMessage>) {
  render(<Readings state={new TestThermostat().stateMessage(overrides)} receivedAt={Date.now()} />);
}

describe('readings: what the thermostat holds and why', () => {
  it('shows the away temperature it holds, not the comfort target, and why the heater still runs', () => {
    // The complaint of issue 11: Away showed 20.0 °C and "Heater: On" at 20.4 °C with nothing to say why.
    showReadings({
      mode: 'away',
      regime: 'away',
      target: 20,
      away_target: 16,
      temperature: 20.4,
      heater: true,
      setpoint: 16,
      setpoint_source: 'away',
      heat_reason: 'min_on_hold',
    });
    expect(screen.getByLabelText('Holding')).toHaveTextContent('Holding 16.0 °C · away');
    expect(screen.getByLabelText('Heater')).toHaveTextContent('On');
    expect(screen.getByLabelText('Heater')).toHaveAccessibleDescription('Heater on: held on for the minimum run');
  });

  it('names the comfort target at home', () => {
    showReadings({ regime: 'home', target: 21.5, setpoint: 21.5, setpoint_source: 'comfort', heater: true, heat_reason: 'below_band' });
    expect(screen.getByLabelText('Holding')).toHaveTextContent('Holding 21.5 °C · comfort');
    expect(screen.getByLabelText('Heater')).toHaveAccessibleDescription('Heater on: below the set temperature');
  });

  it('says frost protection runs the heater', () => {
    showReadings({ temperature: 4.8, setpoint: 5, setpoint_source: 'frost', heater: true, heat_reason: 'frost' });
    expect(screen.getByLabelText('Holding')).toHaveTextContent('Holding 5.0 °C · frost protection');
    expect(screen.getByLabelText('Heater')).toHaveAccessibleDescription('Heater on: frost protection');
  });

  it('says nothing is held and the heater is off because the sensor failed', () => {
    showReadings({
      sensor_ok: false,
      temperature: null,
      humidity: null,
      pressure: null,
      heater: false,
      setpoint: null,
      setpoint_source: 'none',
      heat_reason: 'no_reading',
    });
    expect(screen.getByLabelText('Holding')).toHaveTextContent('Holding nothing: heater held off');
    expect(screen.getByLabelText('Heater')).toHaveTextContent('Off');
    expect(screen.getByLabelText('Heater')).toHaveAccessibleDescription('Heater off: sensor failed');
  });

  it.each(HEAT_REASONS)('puts heat reason %s in words', (reason) => {
    showReadings({ heater: false, heat_reason: reason });
    expect(screen.getByLabelText('Heater')).toHaveAccessibleDescription(/^Heater off: [a-z][a-z0-9 ,]+$/);
  });

  it.each(SETPOINT_SOURCES.filter((source) => source !== 'none'))('puts setpoint source %s in words', (source) => {
    showReadings({ setpoint: 18, setpoint_source: source });
    expect(screen.getByLabelText('Holding')).toHaveTextContent(/^Holding 18\.0 °C · [a-z][a-z ]+$/);
  });

  it('shows a dash before any STATE', () => {
    render(<Readings state={null} receivedAt={null} />);
    expect(screen.getByLabelText('Holding')).toHaveTextContent('—');
    expect(screen.getByLabelText('Heater')).not.toHaveAccessibleDescription();
  });
});
