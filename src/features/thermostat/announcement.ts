import type { SetpointSource, StateMessage } from '@protocol';
import { formatTemperature } from '@/lib/format';
import { heatingPhrase } from './heat-words';

/** A temperature is said again only once it moved this far since it was last said (or crossed the set point). */
export const ANNOUNCED_TEMPERATURE_STEP = 0.5;

/** What a screen reader last heard of one thermostat: the baseline the next STATE is compared with. */
export interface Announced {
  heater: boolean;
  setpoint: number | null;
  source: SetpointSource;
  temperature: number | null;
}

type AnnouncedFields = Pick<StateMessage, 'heater' | 'heat_reason' | 'temperature' | 'setpoint' | 'setpoint_source' | 'hysteresis'>;

const EPSILON = 1e-9;

/** Whether `to` lies on the other side of the set point than `from` (reaching it counts as crossing from below). */
function crossed(from: number, to: number, setpoint: number | null): boolean {
  if (setpoint === null) return false;
  return from < setpoint !== to < setpoint;
}

/**
 * What to say politely when a STATE arrives: the heater switching, the held set point changing, and the temperature
 * only when it moved ANNOUNCED_TEMPERATURE_STEP or crossed the set point since it was last said, so that a reading
 * creeping by 0.1 °C stays quiet. The first STATE only sets the baseline: the screen itself shows it.
 */
export function announcementOf(previous: Announced | null, state: AnnouncedFields): { text: string; announced: Announced } {
  const now: Announced = { heater: state.heater, setpoint: state.setpoint, source: state.setpoint_source, temperature: state.temperature };
  if (previous === null) return { text: '', announced: now };
  const parts: string[] = [];
  const { temperature } = state;
  let saidTemperature = previous.temperature;
  if (temperature !== null && temperature !== previous.temperature) {
    const moved = previous.temperature === null || Math.abs(temperature - previous.temperature) >= ANNOUNCED_TEMPERATURE_STEP - EPSILON;
    if (moved || crossed(previous.temperature ?? temperature, temperature, state.setpoint)) {
      parts.push(`Temperature ${formatTemperature(temperature)}`);
      saidTemperature = temperature;
    }
  } else if (temperature === null) {
    saidTemperature = null;
  }
  if (state.setpoint !== previous.setpoint || state.setpoint_source !== previous.source) {
    parts.push(state.setpoint === null ? 'Holding nothing: heater held off' : `Now holding ${formatTemperature(state.setpoint)}`);
  }
  if (state.heater !== previous.heater) parts.push(heatingPhrase(state));
  return { text: parts.join('. '), announced: { ...now, temperature: saidTemperature } };
}
