/**
 * "Set up a new thermostat": the steps a person sees while the app gives a thermostat on a USB cable this app's
 * addresses and a Wi-Fi network (console lines, then Improv Wi-Fi serial), and pairs with the link it answers.
 * Pure: the serial session reports what happened as events, the store keeps the state this returns.
 */
import { initialSetupState } from './initial-setup-state';

/** What the thermostat says about itself (Improv "request device info"), cleaned for display. */
export interface DeviceInfo {
  firmware: string;
  version: string;
  chip: string;
  name: string;
}

export interface WifiNetwork {
  ssid: string;
  /** dBm; null when the thermostat sent something that is not a number */
  rssi: number | null;
  secured: boolean;
}

export type SetupState =
  /** Before Connect, and after anything that ended the serial session (then `problem` says what). */
  | { step: 'start'; problem: string | null }
  | { step: 'choosing-port' }
  /** The port is open: the console lines `broker` and `app` are on their way. */
  | { step: 'configuring' }
  | { step: 'detecting' }
  | { step: 'scanning'; device: DeviceInfo; alreadyOnline: boolean }
  /** `networks` null: the thermostat could not list them, so the person types the name. */
  | { step: 'choosing-network'; device: DeviceInfo; alreadyOnline: boolean; networks: WifiNetwork[] | null; problem: string | null }
  | { step: 'joining'; device: DeviceInfo; networks: WifiNetwork[] | null; ssid: string }
  /** On the Wi-Fi; waiting for the thermostat to log on to the broker and send its pairing link. */
  | { step: 'logging-on'; device: DeviceInfo; networks: WifiNetwork[] | null; ssid: string }
  /**
   * The thermostat gave its link, and the app already holds this thermostat with another key (it was reset,
   * or the link is not what it claims): nothing is replaced until the person says so.
   */
  | { step: 'already-paired'; thermostatId: string; name: string }
  /** `alreadyMember`: this phone was a member already, so its key was kept and the thermostat's new invitation left unused. */
  | { step: 'paired'; thermostatId: string; name: string; alreadyMember?: true };

export type SetupEvent =
  | { type: 'connect' }
  | { type: 'port-cancelled' }
  | { type: 'port-opened' }
  | { type: 'configured' }
  | { type: 'detected'; device: DeviceInfo; alreadyOnline: boolean }
  | { type: 'networks'; networks: WifiNetwork[] | null }
  | { type: 'rescan' }
  | { type: 'join'; ssid: string }
  | { type: 'joined' }
  | { type: 'join-failed'; problem: string }
  | { type: 'already-paired'; thermostatId: string; name: string }
  | { type: 'paired'; thermostatId: string; name: string; alreadyMember?: true }
  /** The serial session ended (unplugged, no answer, a refused line, a bad link): back to the start. */
  | { type: 'failed'; problem: string }
  | { type: 'reset' };


/** Events that make no sense in a step (a late scan result after Connect, say) leave the state as it is. */
export function nextSetupState(state: SetupState, event: SetupEvent): SetupState {
  switch (event.type) {
    case 'reset':
      return initialSetupState;
    case 'failed':
      return state.step === 'paired' || state.step === 'start' ? state : { step: 'start', problem: event.problem };
    case 'connect':
      return state.step === 'start' ? { step: 'choosing-port' } : state;
    case 'port-cancelled':
      return state.step === 'choosing-port' ? initialSetupState : state;
    case 'port-opened':
      return state.step === 'choosing-port' ? { step: 'configuring' } : state;
    case 'configured':
      return state.step === 'configuring' ? { step: 'detecting' } : state;
    case 'detected':
      return state.step === 'detecting' ? { step: 'scanning', device: event.device, alreadyOnline: event.alreadyOnline } : state;
    case 'networks':
      if (state.step === 'scanning') return { ...state, step: 'choosing-network', networks: event.networks, problem: null };
      if (state.step === 'choosing-network') return { ...state, networks: event.networks };
      return state;
    case 'rescan':
      return state.step === 'choosing-network' ? { step: 'scanning', device: state.device, alreadyOnline: state.alreadyOnline } : state;
    case 'join':
      return state.step === 'choosing-network'
        ? { step: 'joining', device: state.device, networks: state.networks, ssid: event.ssid }
        : state;
    case 'joined':
      return state.step === 'joining' ? { ...state, step: 'logging-on' } : state;
    case 'join-failed':
      return state.step === 'joining' || state.step === 'logging-on'
        ? { step: 'choosing-network', device: state.device, alreadyOnline: false, networks: state.networks, problem: event.problem }
        : state;
    case 'already-paired':
      return linkMayArrive(state) ? { step: 'already-paired', thermostatId: event.thermostatId, name: event.name } : state;
    case 'paired':
      return linkMayArrive(state) || (state.step === 'already-paired' && state.thermostatId === event.thermostatId)
        ? { step: 'paired', thermostatId: event.thermostatId, name: event.name, ...(event.alreadyMember === true ? { alreadyMember: true as const } : {}) }
        : state;
  }
}

/** Steps in which the thermostat's pairing link is awaited: after a join, or for one already online. */
function linkMayArrive(state: SetupState): boolean {
  return state.step === 'joining' || state.step === 'logging-on' || (state.step === 'choosing-network' && state.alreadyOnline);
}
