import type { StateMessage } from '@protocol';
import { formatTemperature } from '@/lib/format';
import { momentText, type ThermostatZone } from './thermostat-time';

// The overrides card's words: it loads in a chunk of its own, and these with it.

/** "Boost to 23.0 °C until 15:30". */
export function boostPhrase(boost: NonNullable<StateMessage['boost']>, zone: ThermostatZone, nowUtc: number): string {
  return `Boost to ${formatTemperature(boost.setpoint)} until ${momentText(zone, boost.until, nowUtc)}`;
}

/** "Held at 22.0 °C until 22:00"; with no end (the schedule is not running) it holds until changed. */
export function manualPhrase(manual: NonNullable<StateMessage['manual']>, zone: ThermostatZone, nowUtc: number): string {
  const until = manual.until === null ? 'changed' : momentText(zone, manual.until, nowUtc);
  return `Held at ${formatTemperature(manual.setpoint)} until ${until}`;
}

/** "Away until Sun 18:00, warming up from 16:30". */
export function awayUntilPhrase(awayUntil: NonNullable<StateMessage['away_until']>, zone: ThermostatZone, nowUtc: number): string {
  const away = `Away until ${momentText(zone, awayUntil.until, nowUtc)}`;
  if (awayUntil.preheat_minutes === 0) return away;
  return `${away}, warming up from ${momentText(zone, awayUntil.until - awayUntil.preheat_minutes * 60, nowUtc, awayUntil.until)}`;
}
