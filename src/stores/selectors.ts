import type { AppState } from './app-store';

export const selectSelectedThermostat = (state: AppState) =>
  state.thermostats.find((t) => t.id === state.selectedId) ?? null;

export const selectCurrentState = (state: AppState) =>
  state.selectedId === null ? null : (state.lastStates[state.selectedId] ?? null);
