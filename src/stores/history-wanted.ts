import type { ClientId } from '@protocol';
import { pagesToAsk, thermostatClock } from '@/lib/link/history-pages';
import type { AppState } from './app-store';

/**
 * The pages of a thermostat's history to ask for now, by its clock as its last STATE tells it; none while it has none.
 * Apart from the history slice so that it loads with the connection, not before the first paint.
 */
export function wantedHistoryPages(state: AppState, thermostatId: ClientId, nowMs: number): number[] {
  const clock = thermostatClock(state.lastStates[thermostatId], nowMs);
  return clock === null ? [] : pagesToAsk(clock, state.historyPages[thermostatId] ?? {});
}
