import { describe, expect, it } from 'vitest';
import type { StateMessage } from '@protocol';
import { announcementOf, type Announced } from './announcement';

type Fields = Pick<StateMessage, 'heater' | 'heat_reason' | 'temperature' | 'setpoint' | 'setpoint_source' | 'hysteresis'>;
const BASE: Fields = { heater: false, heat_reason: 'in_band', temperature: 20.5, setpoint: 21, setpoint_source: 'comfort', hysteresis: 0.3 };

/** What is said over a run of STATEs, starting from the first one's baseline. */
function said(...states: Partial<Fields>[]): string[] {
  let announced: Announced | null = null;
  const texts: string[] = [];
  for (const overrides of states) {
    const result = announcementOf(announced, { ...BASE, ...overrides });
    announced = result.announced;
    texts.push(result.text);
  }
  return texts;
}

describe('what changes are announced', () => {
  it('says nothing of the first STATE: the screen shows it', () => {
    expect(said({})).toEqual(['']);
  });

  it('stays quiet while the temperature creeps by 0.1 °C, and speaks once it moved 0.5 °C from what it last said', () => {
    expect(said({ temperature: 20.0 }, { temperature: 20.1 }, { temperature: 20.2 }, { temperature: 20.3 }, { temperature: 20.4 }, { temperature: 20.5 }, { temperature: 20.6 })).toEqual([
      '',
      '',
      '',
      '',
      '',
      'Temperature 20.5 °C',
      '',
    ]);
  });

  it('says the temperature when it crosses the set point, even by 0.1 °C', () => {
    expect(said({ temperature: 20.8 }, { temperature: 20.9 }, { temperature: 21.0 }, { temperature: 20.9 })).toEqual([
      '',
      '',
      'Temperature 21.0 °C',
      'Temperature 20.9 °C',
    ]);
  });

  it('says the heater switching on and off, with why', () => {
    expect(
      said({ temperature: 20.6 }, { temperature: 20.6, heater: true, heat_reason: 'below_band' }, { temperature: 20.6, heater: false, heat_reason: 'min_off_hold' }),
    ).toEqual(['', 'Heating: 0.4 °C below the set point', 'Not heating: kept off for its minimum pause of 1 minute']);
  });

  it('says a new set point, and one that changes only its source', () => {
    expect(
      said({}, { setpoint: 16, setpoint_source: 'away' }, { setpoint: 16, setpoint_source: 'schedule' }, { setpoint: null, setpoint_source: 'none', temperature: null }),
    ).toEqual(['', 'Now holding 16.0 °C', 'Now holding 16.0 °C', 'Holding nothing: heater held off']);
  });
});
