import type { Reach } from './reach';

export type NotLive = Exclude<Reach, 'live'>;

/**
 * The words for each reason a thermostat is not live, in one place so the hero, the link bar and the rooms say the
 * same thing: `title` names it on its own ("Thermostat offline"), `why` follows "Last heard 3 min ago — ", `detail`
 * says what to do, and `queued` what happens to a change made meanwhile.
 */
export const REACH_WORDS: Record<NotLive, { title: string; why: string; detail: string; queued: string }> = {
  'no-network': {
    title: 'Offline',
    why: 'no network on this device',
    detail: 'No network on this device. Showing the last known state.',
    queued: 'Will send when this device is back online',
  },
  'broker-unreachable': {
    title: 'Broker unreachable',
    why: 'cannot reach the broker',
    detail: 'Cannot reach the broker; retrying. Showing the last known state.',
    queued: 'Will send when the broker is reachable',
  },
  checking: {
    title: 'Checking the thermostat…',
    why: 'checking the thermostat',
    detail: 'No news from it for over a minute; asking it.',
    queued: 'Will send when the thermostat is back',
  },
  'thermostat-offline': {
    title: 'Thermostat offline',
    why: 'thermostat offline',
    detail: 'The broker cannot reach it: check its power and Wi-Fi.',
    queued: 'Will send when the thermostat is back',
  },
  'not-answering': {
    title: 'Thermostat not answering',
    why: 'thermostat not answering',
    detail: 'It is connected but silent; trying again.',
    queued: 'Will send when the thermostat is back',
  },
  'wrong-key': {
    title: 'Wrong key — check the pairing link',
    why: 'the thermostat does not take this phone’s key',
    detail: 'The thermostat is online but does not answer this key.',
    queued: 'Cannot send: the thermostat does not take this phone’s key',
  },
  'not-let-in': {
    title: 'Not let in',
    why: 'this phone is not (or no longer) let in',
    detail: 'The thermostat does not take this phone (or no longer does): see the notice for what to do.',
    queued: 'Cannot send: this phone is not let in',
  },
};
