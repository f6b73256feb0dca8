import { localOnlyHost } from '@/lib/broker-url';

/**
 * Why a real thermostat would not reach `brokerUrl`, in plain words, or null when it may: a broker on a host only
 * this computer reaches (localOnlyHost). A simulator on this computer does reach it, so the dialog lets the person
 * go on once they say so. `chosenInSettings`: the person typed it in Settings; else it is this app's own address.
 */
export function unreachableBrokerWarning(brokerUrl: string, chosenInSettings: boolean): string | null {
  const host = localOnlyHost(brokerUrl);
  if (host === null) return null;
  if (chosenInSettings) {
    return `The broker address set in Settings, ${brokerUrl}, is on ${host}: a thermostat cannot reach that address. Set the broker's network address in Settings (for example wss://hearth.example/ws or ws://192.168.1.20:8080/ws).`;
  }
  return `This app is open at ${host}: a thermostat cannot reach that address. Open the app at its network address (for example https://hearth.example or http://192.168.1.20:8080) or set the broker address in Settings.`;
}
