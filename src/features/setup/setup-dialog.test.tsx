import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { appStore } from '@/stores/app-store';
import { SetupDialog } from './setup-dialog';
import { fakeSerial, FakeThermostatPort } from './testing/fake-thermostat-port';

const ID = 'Q6iTIJWV4zn_64zH2sbXMa';
const KEY = 'heDmCLojfFJ7Yc_5_3iKaddIuPY_IUa1UQn136DerAs';
const FAST = { consoleAnswerMs: 300, consoleResendMs: 60, consoleAttempts: 3, detectMs: 300, scanMs: 300, joinMs: 2000 };
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
    expect(port.consoleLines).toEqual([`app ${location.origin}/`, `broker ws://${location.host}/ws`]);
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
    // The list's arrival is announced, and the focus is on its first network.
    expect(within(dialog).getByRole('status')).toHaveTextContent('The thermostat sees 3 networks.');
    expect(lab).toHaveFocus();

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
    const wrong = await within(dialog).findByRole('alert');
    expect(wrong).toHaveTextContent('The thermostat could not join Hearth Lab. Check the password.');
    // What the person chose and typed is still there to correct, the focus on the password that was wrong.
    expect(lab).toBeChecked();
    expect(password).toHaveFocus();
    expect(password).toHaveAttribute('aria-invalid', 'true');
    expect(password).toHaveAccessibleDescription('The thermostat could not join Hearth Lab. Check the password.');

    await user.clear(password);
    await user.type(password, 'correct horse');
    const name = within(dialog).getByRole('textbox', { name: 'Thermostat name' });
    await user.clear(name);
    await user.type(name, 'Hall');
    await user.click(within(dialog).getByRole('button', { name: 'Connect' }));
    expect(await within(dialog).findByText('Hall is set up and paired with this app.')).toBeVisible();
    // Sharing the thermostat's own link is gone: each person joins with an invitation ("Joining").
    expect(dialog).toHaveTextContent('To let the rest of the household in, press “Invite someone” in the Household card');
    expect(dialog).not.toHaveTextContent('from Settings');
    expect(appStore.getState().thermostats).toEqual([{ id: ID, key: KEY, name: 'Hall', joined: false }]);

    expect(within(dialog).getByRole('button', { name: 'Done' })).toHaveFocus();
    await user.click(within(dialog).getByRole('button', { name: 'Done' }));
    expect(closed).toBe(true);
  });

  it('refuses a WPA password under 8 characters before sending it, marking the field', async () => {
    const user = userEvent.setup();
    const port = thermostatOnCable();
    render(<SetupDialog serial={fakeSerial(port)} timeouts={FAST} onClose={() => undefined} />);
    await user.click(screen.getByRole('checkbox', { name: GO_ON_ANYWAY }));
    await user.click(screen.getByRole('button', { name: 'Connect' }));
    await user.click(await screen.findByRole('radio', { name: 'Hearth Lab' }));
    const password = screen.getByLabelText('Wi-Fi password');
    await user.type(password, 'horse');
    await user.click(screen.getByRole('button', { name: 'Connect' }));
    expect(screen.getByRole('alert')).toHaveTextContent('A Wi-Fi password has at least 8 characters; check the password of Hearth Lab.');
    expect(password).toHaveAttribute('aria-invalid', 'true');
    expect(password).toHaveAccessibleDescription('A Wi-Fi password has at least 8 characters; check the password of Hearth Lab.');
    expect(port.joins).toEqual([]);
  });

  it('announces a scan that failed and takes the focus to the network name, which is sent as typed', async () => {
    const user = userEvent.setup();
    const port = new FakeThermostatPort({
      link: `${location.origin}/#pair=${ID}.${KEY}`,
      networks: [{ ssid: ' Attic ', password: 'correct horse', rssi: -60 }],
      scans: false,
    });
    render(<SetupDialog serial={fakeSerial(port)} timeouts={FAST} onClose={() => undefined} />);
    await user.click(screen.getByRole('checkbox', { name: GO_ON_ANYWAY }));
    await user.click(screen.getByRole('button', { name: 'Connect' }));
    const networkName = await screen.findByRole('textbox', { name: 'Network name' });
    expect(screen.getByRole('status')).toHaveTextContent('The thermostat could not list the networks it sees. Type the network name.');
    expect(networkName).toHaveFocus();
    await user.type(networkName, ' Attic ');
    await user.type(screen.getByLabelText('Wi-Fi password'), 'correct horse');
    await user.click(screen.getByRole('button', { name: 'Connect' }));
    expect(await screen.findByText('Thermostat is set up and paired with this app.')).toBeVisible();
    expect(port.joins).toEqual([{ ssid: ' Attic ', password: 'correct horse' }]);
  });

  it('shows look-alike network names apart, and a name of invisible characters by a label', async () => {
    const user = userEvent.setup();
    const port = new FakeThermostatPort({
      networks: [
        { ssid: 'Hearth Lab', password: 'correct horse', rssi: -51 },
        { ssid: 'Hearth\u200bLab', password: 'x', rssi: -52 },
        { ssid: '\u200b\u200b', password: '', rssi: -70 },
      ],
    });
    render(<SetupDialog serial={fakeSerial(port)} timeouts={FAST} onClose={() => undefined} />);
    await user.click(screen.getByRole('checkbox', { name: GO_ON_ANYWAY }));
    await user.click(screen.getByRole('button', { name: 'Connect' }));
    const networks = await screen.findByRole('radiogroup', { name: 'Networks the thermostat sees' });
    expect(within(networks).getByRole('radio', { name: 'Hearth Lab' })).toHaveAttribute('value', 'Hearth Lab');
    expect(within(networks).getByRole('radio', { name: 'Hearth⟨U+200B⟩Lab' })).toHaveAttribute('value', 'Hearth\u200bLab');
    expect(within(networks).getByRole('radio', { name: '⟨U+200B⟩⟨U+200B⟩' })).toHaveAttribute('value', '\u200b\u200b');
  });

  it('asks before it replaces the key of a thermostat the app holds with another, and keeps its name', async () => {
    const user = userEvent.setup();
    const oldKey = `${KEY.slice(0, -2)}AA`;
    appStore.getState().addThermostat({ id: ID, key: oldKey, name: 'Hall' });
    const port = new FakeThermostatPort({ link: `${location.origin}/#pair=${ID}.${KEY}`, provisioned: true });
    render(<SetupDialog serial={fakeSerial(port)} timeouts={FAST} onClose={() => undefined} />);
    await user.click(screen.getByRole('checkbox', { name: GO_ON_ANYWAY }));
    await user.click(screen.getByRole('button', { name: 'Connect' }));
    await user.click(await screen.findByRole('button', { name: 'Add it as it is' }));
    const question = await screen.findByText(/^This thermostat is already in the app; adding it again updates its key\./);
    expect(question).toHaveFocus();
    expect(appStore.getState().thermostats).toEqual([{ id: ID, key: oldKey, name: 'Hall', joined: false }]);
    await user.click(screen.getByRole('button', { name: 'Add' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Hall is set up and paired with this app.');
    expect(appStore.getState().thermostats).toEqual([{ id: ID, key: KEY, name: 'Hall', joined: false }]);
  });

  it('keeps the key of a thermostat this phone is a member of, and says the new invitation was not used', async () => {
    const user = userEvent.setup();
    const memberKey = `${KEY.slice(0, -2)}AA`;
    appStore.getState().addThermostat({ id: ID, key: memberKey, name: 'Hall', joined: true });
    const port = new FakeThermostatPort({ link: `${location.origin}/#pair=${ID}.${KEY}`, provisioned: true });
    render(<SetupDialog serial={fakeSerial(port)} timeouts={FAST} onClose={() => undefined} />);
    await user.click(screen.getByRole('checkbox', { name: GO_ON_ANYWAY }));
    await user.click(screen.getByRole('button', { name: 'Connect' }));
    await user.click(await screen.findByRole('button', { name: 'Add it as it is' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Hall is set up and paired with this app.');
    expect(screen.getByText(/^This phone is a member of Hall already, with a key of its own: it needs no invitation\. This one is not used/)).toBeVisible();
    expect(appStore.getState().thermostats).toEqual([{ id: ID, key: memberKey, name: 'Hall', joined: true }]);
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

  it("links a thermostat that is not flashed yet to this site's install page", () => {
    render(<SetupDialog serial={fakeSerial(thermostatOnCable())} onClose={() => undefined} />);
    expect(screen.getByText(/^Not flashed yet\?/)).toBeVisible();
    expect(screen.getByRole('link', { name: 'Install the firmware' })).toHaveAttribute('href', '/firmware.html');
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
    expect(port.consoleLines).toEqual([`app ${location.origin}/`, `broker ws://${location.host}/ws`]);
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
    expect(port.consoleLines[1]).toBe('broker wss://hearth.example/ws');
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
    expect(screen.getByText(/Giving a thermostat its Wi-Fi needs Chrome or Edge on a computer, or another Improv Wi-Fi serial client\./)).toBeVisible();
    // No path into a source repository that a person using the app has no reason to know.
    expect(screen.queryByText(/README\.md/)).toBeNull();
    expect(screen.getByText(`app ${location.origin}/`)).toBeVisible();
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
