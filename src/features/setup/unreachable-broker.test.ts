import { describe, expect, it } from 'vitest';
import { unreachableBrokerWarning } from './unreachable-broker';

const AT_LOCALHOST =
  'This app is open at localhost: a thermostat cannot reach that address. Open the app at its network address (for example https://hearth.example or http://192.168.1.20:8080) or set the broker address in Settings.';

describe('unreachableBrokerWarning', () => {
  it.each<[string, string, boolean, string | null]>([
    ['the app at localhost', 'ws://localhost:8080/ws', false, AT_LOCALHOST],
    ['the app at 127.0.0.1', 'ws://127.0.0.1:8080/ws', false, AT_LOCALHOST.replace('open at localhost', 'open at 127.0.0.1')],
    ['the app at [::1]', 'ws://[::1]:8080/ws', false, AT_LOCALHOST.replace('open at localhost', 'open at [::1]')],
    ['the app at a .localhost name', 'wss://hearth.localhost/ws', false, AT_LOCALHOST.replace('open at localhost', 'open at hearth.localhost')],
    ['the app at 0.0.0.0', 'ws://0.0.0.0:8080/ws', false, AT_LOCALHOST.replace('open at localhost', 'open at 0.0.0.0')],
    [
      'a loopback broker typed in Settings',
      'ws://127.0.0.1:9000/ws',
      true,
      "The broker address set in Settings, ws://127.0.0.1:9000/ws, is on 127.0.0.1: a thermostat cannot reach that address. Set the broker's network address in Settings (for example wss://hearth.example/ws or ws://192.168.1.20:8080/ws).",
    ],
    ['the app at its network address', 'ws://192.168.1.20:8080/ws', false, null],
    ['the app at its public address', 'wss://hearth.example/ws', false, null],
    ['a network broker typed in Settings', 'wss://hearth.example/ws', true, null],
  ])('%s', (_case, brokerUrl, chosenInSettings, expected) => {
    expect(unreachableBrokerWarning(brokerUrl, chosenInSettings)).toBe(expected);
  });
});
