import type { ClientId } from '@protocol';
import type { AppState } from './app-store';

/**
 * Whether the thermostat is paired. The household client's events can still arrive for one just removed: the actions
 * they feed ignore it rather than bring its entry back.
 */
export function isPaired(state: Pick<AppState, 'thermostats'>, thermostatId: ClientId): boolean {
  return state.thermostats.some((thermostat) => thermostat.id === thermostatId);
}
