import { describe, expect, it } from 'vitest';
import { initialSetupState } from './initial-setup-state';
import { nextSetupState, type DeviceInfo, type SetupEvent, type SetupState, type WifiNetwork } from './setup-machine';

const device: DeviceInfo = { firmware: 'Hearth', version: '1.0.0', chip: 'ESP8266', name: 'hearth-1a2b' };
const networks: WifiNetwork[] = [{ ssid: 'Hearth Lab', rssi: -48, secured: true }];

const states = {
  start: initialSetupState,
  startAfterProblem: { step: 'start', problem: 'The thermostat was unplugged.' },
  choosingPort: { step: 'choosing-port' },
  configuring: { step: 'configuring' },
  detecting: { step: 'detecting' },
  scanning: { step: 'scanning', device, alreadyOnline: false },
  choosing: { step: 'choosing-network', device, alreadyOnline: false, networks, problem: null },
  choosingOnline: { step: 'choosing-network', device, alreadyOnline: true, networks, problem: null },
  joining: { step: 'joining', device, networks, ssid: 'Hearth Lab' },
  loggingOn: { step: 'logging-on', device, networks, ssid: 'Hearth Lab' },
  alreadyPaired: { step: 'already-paired', thermostatId: 'Q6iTIJWV4zn_64zH2sbXMa', name: 'Hall' },
  paired: { step: 'paired', thermostatId: 'Q6iTIJWV4zn_64zH2sbXMa', name: 'Hall' },
} satisfies Record<string, SetupState>;

const ev = {
  connect: { type: 'connect' },
  cancelled: { type: 'port-cancelled' },
  opened: { type: 'port-opened' },
  configured: { type: 'configured' },
  detected: { type: 'detected', device, alreadyOnline: false },
  detectedOnline: { type: 'detected', device, alreadyOnline: true },
  networks: { type: 'networks', networks },
  noNetworks: { type: 'networks', networks: null },
  rescan: { type: 'rescan' },
  join: { type: 'join', ssid: 'Hearth Lab' },
  joined: { type: 'joined' },
  joinFailed: { type: 'join-failed', problem: 'The thermostat could not join Hearth Lab. Check the password.' },
  alreadyPaired: { type: 'already-paired', thermostatId: 'Q6iTIJWV4zn_64zH2sbXMa', name: 'Hall' },
  paired: { type: 'paired', thermostatId: 'Q6iTIJWV4zn_64zH2sbXMa', name: 'Hall' },
  failed: { type: 'failed', problem: 'The thermostat was unplugged.' },
  reset: { type: 'reset' },
} satisfies Record<string, SetupEvent>;

describe('nextSetupState', () => {
  it.each<[string, SetupState, SetupEvent, SetupState]>([
    // The journey.
    ['Connect opens the port chooser', states.start, ev.connect, states.choosingPort],
    ['Connect again after a problem clears it', states.startAfterProblem, ev.connect, states.choosingPort],
    ['closing the chooser without a port is no problem', states.choosingPort, ev.cancelled, states.start],
    ['an open port sends the console lines', states.choosingPort, ev.opened, states.configuring],
    ['both lines answered ok: Improv next', states.configuring, ev.configured, states.detecting],
    ['device info known: scanning', states.detecting, ev.detected, states.scanning],
    ['a thermostat already on Wi-Fi says so', states.detecting, ev.detectedOnline, { step: 'scanning', device, alreadyOnline: true }],
    ['networks found: the person picks one', states.scanning, ev.networks, states.choosing],
    ['no scan: the person types the name', states.scanning, ev.noNetworks, { ...states.choosing, networks: null }],
    ['a newer scan replaces the list', { ...states.choosing, networks: [] }, ev.networks, states.choosing],
    ['looking again', states.choosing, ev.rescan, states.scanning],
    ['Connect with a network: joining it', states.choosing, ev.join, states.joining],
    ['on the Wi-Fi: waiting for the link', states.joining, ev.joined, states.loggingOn],
    ['the link arrives: paired', states.loggingOn, ev.paired, states.paired],
    ['a link may come with the joined state', states.joining, ev.paired, states.paired],
    ['one already online is added as it is', states.choosingOnline, ev.paired, states.paired],
    // A link for a thermostat the app holds with another key: the person decides.
    ['a link with another key than the app holds: asked first', states.loggingOn, ev.alreadyPaired, states.alreadyPaired],
    ['the same, with the link in the joined state', states.joining, ev.alreadyPaired, states.alreadyPaired],
    ['the same, for one already online', states.choosingOnline, ev.alreadyPaired, states.alreadyPaired],
    ['the person replaces the key: paired', states.alreadyPaired, ev.paired, states.paired],
    ['a failure while asked ends at the start', states.alreadyPaired, ev.failed, states.startAfterProblem],
    ['another thermostat cannot be paired while asked', states.alreadyPaired, { ...ev.paired, thermostatId: 'AAAAAAAAAAAAAAAAAAAAAA' }, states.alreadyPaired],
    ['no question while choosing a network', states.choosing, ev.alreadyPaired, states.choosing],
    // Problems.
    ['a wrong password goes back to the network choice, saying so', states.joining, ev.joinFailed, { ...states.choosing, problem: ev.joinFailed.problem }],
    ['a failure after joining goes back to the choice too', states.loggingOn, ev.joinFailed, { ...states.choosing, problem: ev.joinFailed.problem }],
    ['picking a network clears the old problem once it scans again', { ...states.choosing, problem: 'x' }, ev.rescan, states.scanning],
    ...(['choosingPort', 'configuring', 'detecting', 'scanning', 'choosing', 'joining', 'loggingOn', 'alreadyPaired'] as const).map(
      (name): [string, SetupState, SetupEvent, SetupState] => [`a failure while ${name} ends at the start with its reason`, states[name], ev.failed, states.startAfterProblem],
    ),
    ['a failure after pairing changes nothing (the thermostat is added)', states.paired, ev.failed, states.paired],
    ...(Object.entries(states) as [string, SetupState][]).map(
      ([name, state]): [string, SetupState, SetupEvent, SetupState] => [`reset from ${name} starts over`, state, ev.reset, states.start],
    ),
    // Events out of turn change nothing.
    ['Connect while joining', states.joining, ev.connect, states.joining],
    ['a port opened when none was asked for', states.start, ev.opened, states.start],
    ['configured before the port opened', states.choosingPort, ev.configured, states.choosingPort],
    ['device info while configuring', states.configuring, ev.detected, states.configuring],
    ['a late scan while joining', states.joining, ev.networks, states.joining],
    ['joined without a join', states.choosing, ev.joined, states.choosing],
    ['a join failure while choosing', states.choosing, ev.joinFailed, states.choosing],
    ['a link nobody asked for while choosing', states.choosing, ev.paired, states.choosing],
    ['a link while scanning', states.scanning, ev.paired, states.scanning],
    ['a second link after pairing', states.paired, { ...ev.paired, thermostatId: 'AAAAAAAAAAAAAAAAAAAAAA' }, states.paired],
    ['joining twice', states.joining, { type: 'join', ssid: 'Neighbours' }, states.joining],
    ['rescan while joining', states.joining, ev.rescan, states.joining],
  ])('%s', (_what, state, event, expected) => {
    expect(nextSetupState(state, event)).toEqual(expected);
  });
});
