import type { StateCreator } from 'zustand';
import type { ClientId } from '@protocol';
import type { AppState } from './app-store';
import {
  turnedOff,
  withAnswer,
  withNewSecret,
  withOpenedLink,
  type OwntracksAnswer,
  type OwntracksSetting,
  type OwntracksSetup,
} from './owntracks-setup';

/** The actions on `preferences.owntracks`; its transitions are the pure functions of owntracks-setup. */
export interface OwntracksSlice {
  /** A new secret for the household's home (nothing without one); the connection sends it to every thermostat. */
  startOwntracks: (secret: string, nowMs: number) => void;
  /** Every thermostat is to forget this member's secret. */
  turnOffOwntracks: () => void;
  /** What a thermostat's STATE said to `sent` (the connection client reports it); null: it lost a secret it held. */
  owntracksAnswered: (thermostat: ClientId, sent: OwntracksSetting, answer: OwntracksAnswer | null) => void;
  owntracksLinkOpened: (link: string) => void;
  /** Unpaired thermostats (their names) that could not be told to forget the secret: it stays on them until a factory reset. Not stored. */
  owntracksKeptBy: string[];
  owntracksKeptByUnpaired: (name: string) => void;
}

export const createOwntracksSlice: StateCreator<AppState, [], [], OwntracksSlice> = (set) => {
  const change = (next: (setup: OwntracksSetup) => OwntracksSetup) =>
    set((current) => {
      const setup = current.preferences.owntracks;
      if (setup === null) return {};
      const changed = next(setup);
      return changed === setup ? {} : { preferences: { ...current.preferences, owntracks: changed } };
    });
  return {
    startOwntracks: (secret, nowMs) =>
      set((current) => {
        const { home } = current.preferences.geofence;
        if (home === null) return {};
        return { preferences: { ...current.preferences, owntracks: withNewSecret(current.preferences.owntracks, secret, home, nowMs) } };
      }),
    turnOffOwntracks: () => change(turnedOff),
    owntracksAnswered: (thermostat, sent, answer) => change((setup) => withAnswer(setup, thermostat, sent, answer)),
    owntracksLinkOpened: (link) => change((setup) => withOpenedLink(setup, link)),
    owntracksKeptBy: [],
    owntracksKeptByUnpaired: (name) => set((current) => ({ owntracksKeptBy: [...current.owntracksKeptBy, name] })),
  };
};
