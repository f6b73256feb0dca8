import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { appStore } from '@/stores/app-store';
import { SetupDialog } from './setup-dialog';
import { fakeSerial, FakeThermostatPort } from './testing/fake-thermostat-port';

const ID = 'Q6iTIJWV4zn_64zH2sbXMa';
const KEY = 'heDmCLojfFJ7Yc_5_3iKaddIuPY_IUa1UQn136DerAs';
const FAST = { consoleAnswerMs: 50, detectMs: 300, scanMs: 300, joinMs: 2000 };
/** jsdom's page is at http://localhost:3000/, so the dialog warns that a real thermostat cannot reach it. */
const GO_ON_ANYWAY = 'Continue anyway: the thermostat runs on this computer (a simulator)';
const AT_LOCALHOST =
  'This app is open at localhost: a thermostat cannot reach that address. Open the app at its network address (for example https://hearth.example or http://192.168.1.20:8080) or set the broker address in Settings.';

function thermostatOnCable() {
  return new FakeThermostatPort({
    link: `${location.origin}/#pair=${ID}.${KEY}`,
    networks: [
      { ssid: 'Hearth Lab', password: 'correct horse', rssi: -51 },
      { ssid: 'Neighbours', password: 'x', rssi: -82 },
      { ssid: 'Café', password: '', rssi: -70 },
    ],
  });
}

describe('SetupDialog', () => {
  it('connects, shows the thermostat and its networks, reports a wrong password, and pairs', async () => {
    const user = userEvent.setup();
    const port = thermostatOnCable();
    let closed = false;
    render(<SetupDialog serial={fakeSerial(port)} timeouts={FAST} onClose={() => (closed = true)} />);
    const dialog = screen.getByRole('dialog', { name: 'Set up a new thermostat' });

    await user.click(within(dialog).getByRole('checkbox', { name: GO_ON_ANYWAY }));
    await user.click(within(dialog).getByRole('button', { name: 'Connect' }));
    const networks = await within(dialog).findByRole('radiogroup', { name: 'Networks the thermostat sees' });
    expect(port.consoleLines).toEqual([`broker ws://${location.host}/ws`, `app ${location.origin}/`]);
    expect(within(dialog).getByRole('region', { name: 'Thermostat found' })).toHaveTextContent('FirmwareHearth 1.0.0ChipESP8266Namehearth-test');
    expect(within(networks).getAllByRole('radio').map((radio) => radio.getAttribute('value'))).toEqual([
      'Hearth Lab',
      'Café',
      'Neighbours',
      expect.any(String),
    ]);
    const lab = within(networks).getByRole('radio', { name: 'Hearth Lab' });
    expect(lab).toHaveAccessibleDescription('strong signal, password');
    expect(within(networks).getByRole('radio', { name: 'Café' })).toHaveAccessibleDescription('good signal, open');

    // Connect with nothing chosen: the form says what is missing and sends nothing.
    await user.click(within(dialog).getByRole('button', { name: 'Connect' }));
    expect(within(dialog).getByRole('alert')).toHaveTextContent('Choose a network, or type the name of a hidden one.');
    await user.click(lab);
    await user.click(within(dialog).getByRole('button', { name: 'Connect' }));
    expect(within(dialog).getByRole('alert')).toHaveTextContent('Enter the password of Hearth Lab.');
    expect(port.joins).toEqual([]);

    const password = within(dialog).getByLabelText('Wi-Fi password');
    await user.type(password, 'wrong horse');
    await user.click(within(dialog).getByRole('button', { name: 'Connect' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('The thermostat could not join Hearth Lab. Check the password.');
    // What the person chose and typed is still there to correct.
    expect(lab).toBeChecked();

    await user.clear(password);
    await user.type(password, 'correct horse');
    const name = within(dialog).getByRole('textbox', { name: 'Thermostat name' });
    await user.clear(name);
    await user.type(name, 'Hall');
    await user.click(within(dialog).getByRole('button', { name: 'Connect' }));
    expect(await within(dialog).findByText('Hall is set up and paired with this app.')).toBeVisible();
    expect(appStore.getState().thermostats).toEqual([{ id: ID, key: KEY, name: 'Hall' }]);

    await user.click(within(dialog).getByRole('button', { name: 'Done' }));
    expect(closed).toBe(true);
  });

  it('takes the name of a hidden network', async () => {
    const user = userEvent.setup();
    const port = thermostatOnCable();
    render(<SetupDialog serial={fakeSerial(port)} timeouts={FAST} onClose={() => undefined} />);
    await user.click(screen.getByRole('checkbox', { name: GO_ON_ANYWAY }));
    await user.click(screen.getByRole('button', { name: 'Connect' }));
    await user.click(await screen.findByRole('radio', { name: 'Another network (hidden)' }));
    await user.type(screen.getByRole('textbox', { name: 'Network name' }), 'Hearth Lab');
    await user.type(screen.getByLabelText('Wi-Fi password'), 'correct horse');
    await user.click(screen.getByRole('button', { name: 'Connect' }));
    expect(await screen.findByText('Thermostat is set up and paired with this app.')).toBeVisible();
    expect(port.joins).toEqual([{ ssid: 'Hearth Lab', password: 'correct horse' }]);
  });

  it('shows why the last attempt stopped, and connects again', async () => {
    const user = userEvent.setup();
    const silent = new FakeThermostatPort({ answerConsole: () => [] });
    render(<SetupDialog serial={fakeSerial(silent)} timeouts={FAST} onClose={() => undefined} />);
    await user.click(screen.getByRole('checkbox', { name: GO_ON_ANYWAY }));
    await user.click(screen.getByRole('button', { name: 'Connect' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(/did not answer/);
    expect(silent.closed).toBe(true);
    // Told once to go on: the retry does not ask again.
    expect(screen.getByRole('checkbox', { name: GO_ON_ANYWAY })).toBeChecked();
    expect(screen.getByRole('button', { name: 'Connect' })).toBeEnabled();
  });

  it('warns that a thermostat cannot reach an app open at localhost, and connects only once told to go on', async () => {
    const user = userEvent.setup();
    const port = thermostatOnCable();
    render(<SetupDialog serial={fakeSerial(port)} timeouts={FAST} onClose={() => undefined} />);
    const connect = screen.getByRole('button', { name: 'Connect' });
    expect(screen.getByText(AT_LOCALHOST)).toBeVisible();
    expect(connect).toBeDisabled();
    expect(connect).toHaveAccessibleDescription(AT_LOCALHOST);
    const goOn = screen.getByRole('checkbox', { name: GO_ON_ANYWAY });
    expect(goOn).toHaveAccessibleDescription(AT_LOCALHOST);
    expect(goOn).not.toBeChecked();
    expect(port.consoleLines).toEqual([]);

    await user.click(goOn);
    await user.click(connect);
    await screen.findByRole('radiogroup', { name: 'Networks the thermostat sees' });
    expect(port.consoleLines).toEqual([`broker ws://${location.host}/ws`, `app ${location.origin}/`]);
  });

  it('names the Settings broker address when that is the one a thermostat cannot reach, and warns of nothing at a network address', async () => {
    const user = userEvent.setup();
    appStore.getState().updatePreferences({ brokerUrl: 'ws://127.0.0.1:9000/ws' });
    const { unmount } = render(<SetupDialog serial={fakeSerial(thermostatOnCable())} onClose={() => undefined} />);
    expect(screen.getByRole('button', { name: 'Connect' })).toHaveAccessibleDescription(
      "The broker address set in Settings, ws://127.0.0.1:9000/ws, is on 127.0.0.1: a thermostat cannot reach that address. Set the broker's network address in Settings (for example wss://hearth.example/ws or ws://192.168.1.20:8080/ws).",
    );
    unmount();

    appStore.getState().updatePreferences({ brokerUrl: 'wss://hearth.example/ws' });
    const port = thermostatOnCable();
    render(<SetupDialog serial={fakeSerial(port)} timeouts={FAST} onClose={() => undefined} />);
    expect(screen.queryByRole('checkbox', { name: GO_ON_ANYWAY })).toBeNull();
    expect(screen.queryByText(/cannot reach/)).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Connect' }));
    await screen.findByRole('radiogroup', { name: 'Networks the thermostat sees' });
    expect(port.consoleLines[0]).toBe('broker wss://hearth.example/ws');
  });

  it('on an http:// page says that Web Serial needs the https:// address', () => {
    render(<SetupDialog serial={null} secureContext={false} onClose={() => undefined} />);
    expect(screen.getByRole('alert')).toHaveTextContent(
      'This page cannot talk to a thermostat over USB: browsers allow Web Serial only on https:// pages (or localhost).',
    );
    expect(screen.getByText(/at its https:\/\/ address, plug the thermostat in there/)).toBeVisible();
    expect(screen.queryByRole('button', { name: 'Connect' })).toBeNull();
  });

  it('says what to use instead where the browser has no Web Serial', () => {
    render(<SetupDialog serial={null} secureContext onClose={() => undefined} />);
    expect(screen.getByRole('alert')).toHaveTextContent('This browser cannot talk to a thermostat over USB: it has no Web Serial.');
    expect(screen.getByText(/Chrome or Edge on a desktop or laptop computer/)).toBeVisible();
    expect(screen.getByText(/serial console steps in the firmware guide \(firmware\/README\.md\)/)).toBeVisible();
    expect(screen.getByText(`broker ws://${location.host}/ws`)).toBeVisible();
    expect(screen.queryByRole('button', { name: 'Connect' })).toBeNull();
  });

  it('starts over when closed and opened again', async () => {
    const user = userEvent.setup();
    const port = thermostatOnCable();
    const { unmount } = render(<SetupDialog serial={fakeSerial(port)} timeouts={FAST} onClose={() => undefined} />);
    await user.click(screen.getByRole('checkbox', { name: GO_ON_ANYWAY }));
    await user.click(screen.getByRole('button', { name: 'Connect' }));
    await screen.findByRole('radiogroup');
    unmount();
    expect(appStore.getState().setup).toEqual({ step: 'start', problem: null });
    await vi.waitFor(() => expect(port.closed).toBe(true));
  });
});
