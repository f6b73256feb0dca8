import type { Reach } from '@/stores/reach';

/** Why a room's reading is not live, in the words a person can act on. */
export const REACH_WORDS: Record<Exclude<Reach, 'live'>, string> = {
  'no-network': 'This device is offline',
  'broker-unreachable': 'Cannot reach the broker',
  checking: 'Checking…',
  'thermostat-offline': 'Thermostat offline',
  'not-answering': 'Not responding',
  'wrong-key': 'Not let in',
};
