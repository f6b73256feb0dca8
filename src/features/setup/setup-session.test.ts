import { describe, expect, it, vi } from 'vitest';
import { createAppStore } from '@/stores/app-store';
import { SetupSession, type SetupSessionOptions } from './setup-session';
import { fakeSerial, FakeThermostatPort, type FakeThermostatOptions } from './testing/fake-thermostat-port';

const ID = 'Q6iTIJWV4zn_64zH2sbXMa';
const KEY = 'heDmCLojfFJ7Yc_5_3iKaddIuPY_IUa1UQn136DerAs';
const APP = 'https://hearth.home.example/';
const BROKER = 'wss://hearth.home.example/ws';
const LINK = `${APP}#pair=${ID}.${KEY}`;
const NETWORKS = [
  { ssid: 'Neighbours', password: 'x', rssi: -82 },
  { ssid: 'Hearth Lab', password: 'correct horse', rssi: -51 },
];
const FAST = { consoleAnswerMs: 50, detectMs: 300, scanMs: 300, joinMs: 2000 };

function setUp(device: FakeThermostatOptions = {}, options: Partial<SetupSessionOptions> = {}) {
  const store = createAppStore();
  const port = new FakeThermostatPort({ networks: NETWORKS, link: LINK, ...device });
  const session = new SetupSession({ serial: fakeSerial(port), store, brokerUrl: BROKER, appUrl: APP, timeouts: FAST, ...options });
  const setup = () => store.getState().setup;
  return { store, port, session, setup };
}

describe('SetupSession', () => {
  it('tells the thermostat its addresses, lists its networks, explains a wrong password, then pairs from the link', async () => {
    const { store, port, session, setup } = setUp();
    await session.connect();
    expect(port.openedWith).toEqual({ baudRate: 115200 });
    expect(port.consoleLines).toEqual([`broker ${BROKER}`, `app ${APP}`]);
    expect(setup()).toEqual({
      step: 'choosing-network',
      device: { firmware: 'Hearth', version: '1.0.0', chip: 'ESP8266', name: 'hearth-test' },
      alreadyOnline: false,
      networks: [
        { ssid: 'Hearth Lab', rssi: -51, secured: true },
        { ssid: 'Neighbours', rssi: -82, secured: true },
      ],
      problem: null,
    });

    await session.join('Hearth Lab', 'wrong horse', 'Hall');
    expect(setup()).toMatchObject({ step: 'choosing-network', problem: 'The thermostat could not join Hearth Lab. Check the password.' });
    expect(store.getState().thermostats).toEqual([]);

    const steps: string[] = [];
    store.subscribe((state, previous) => {
      if (state.setup !== previous.setup) steps.push(state.setup.step);
    });
    await session.join('Hearth Lab', 'correct horse', 'Hall');
    expect(steps).toEqual(['joining', 'logging-on', 'paired']);
    expect(setup()).toEqual({ step: 'paired', thermostatId: ID, name: 'Hall' });
    expect(store.getState().thermostats).toEqual([{ id: ID, key: KEY, name: 'Hall' }]);
    expect(store.getState().selectedId).toBe(ID);
    expect(port.joins).toEqual([
      { ssid: 'Hearth Lab', password: 'wrong horse' },
      { ssid: 'Hearth Lab', password: 'correct horse' },
    ]);
    expect(port.closed).toBe(true);
  });

  it('goes back to the start, with no complaint, when the person closes the port chooser', async () => {
    const store = createAppStore();
    const session = new SetupSession({ serial: fakeSerial(null), store, brokerUrl: BROKER, appUrl: APP });
    await session.connect();
    expect(store.getState().setup).toEqual({ step: 'start', problem: null });
  });

  it('says so when the port cannot be opened', async () => {
    const { port, session, setup } = setUp();
    await port.open({ baudRate: 9600 });
    await session.connect();
    expect(setup()).toEqual({ step: 'start', problem: expect.stringMatching(/port could not be opened/) });
  });

  it('sends the first line again when a board booting after the port opened missed it', async () => {
    let seen = 0;
    const { port, session, setup } = setUp({ answerConsole: (line) => (line.startsWith('broker') && seen++ === 0 ? ['ets Jan  8 2013,rst cause:2, boot mode:(3,6)'] : [`ok ${line}`]) });
    await session.connect();
    expect(port.consoleLines).toEqual([`broker ${BROKER}`, `broker ${BROKER}`, `app ${APP}`]);
    expect(setup().step).toBe('choosing-network');
  });

  it('skips noise, over-long lines and answers to other commands while it waits for its own', async () => {
    const noise = (line: string) => ['\u0000\u00ff garbage', 'y'.repeat(5000), 'ok broker-pin none', 'PAIR http://evil.example/#pair=x', `ok ${line}`];
    const { session, setup } = setUp({ answerConsole: noise });
    await session.connect();
    expect(setup().step).toBe('choosing-network');
  });

  it('stops with the reason when the thermostat refuses an address', async () => {
    const { port, session, setup } = setUp({ answerConsole: (line) => (line.startsWith('app') ? ['error app must start with http:// or https://'] : [`ok ${line}`]) });
    await session.connect();
    expect(setup()).toEqual({
      step: 'start',
      problem: `The thermostat refused the app address ${APP}: must start with http:// or https://`,
    });
    expect(port.closed).toBe(true);
  });

  it('gives up after three tries when nothing answers', async () => {
    const { port, session, setup } = setUp({ answerConsole: () => [] });
    await session.connect();
    expect(port.consoleLines).toEqual([`broker ${BROKER}`, `broker ${BROKER}`, `broker ${BROKER}`]);
    expect(setup()).toEqual({ step: 'start', problem: expect.stringMatching(/did not answer.*Hearth firmware/) });
  });

  it('refuses a broker address the console cannot take before sending anything', async () => {
    const { port, session, setup } = setUp({}, { brokerUrl: `wss://h/${'x'.repeat(300)}` });
    await session.connect();
    expect(port.consoleLines).toEqual([]);
    expect(setup()).toEqual({ step: 'start', problem: expect.stringMatching(/too long for the thermostat/) });
  });

  it('explains a device that answers on the console but not Improv', async () => {
    const { session, setup } = setUp({ improv: false });
    await session.connect();
    expect(setup()).toEqual({ step: 'start', problem: expect.stringMatching(/not to Wi-Fi setup \(Improv\)/) });
  });

  it('lets the person type a network name when the scan gets no answer', async () => {
    const { session, setup } = setUp({ scans: false });
    await session.connect();
    expect(setup()).toMatchObject({ step: 'choosing-network', networks: null });
    await session.join('Hearth Lab', 'correct horse', '');
    expect(setup()).toEqual({ step: 'paired', thermostatId: ID, name: 'Thermostat' });
  });

  it.each([
    ['another site', `https://evil.example/#pair=${ID}.${KEY}`, /another site \(https:\/\/evil\.example\)/],
    ['no pairing code', `${APP}#hello`, /without a pairing code/],
    ['not a link', 'javascript:alert(1)', /not a web link/],
  ])('adds nothing when the link is for %s', async (_what, link, problem) => {
    const { store, session, setup } = setUp({ link });
    await session.connect();
    await session.join('Hearth Lab', 'correct horse', 'Hall');
    expect(setup()).toEqual({ step: 'start', problem: expect.stringMatching(problem) });
    expect(store.getState().thermostats).toEqual([]);
  });

  it('offers a thermostat that is already on Wi-Fi as it is', async () => {
    const { store, port, session, setup } = setUp({ provisioned: true });
    await session.connect();
    expect(setup()).toMatchObject({ step: 'choosing-network', alreadyOnline: true });
    await session.addAsItIs('Cabin');
    expect(setup()).toEqual({ step: 'paired', thermostatId: ID, name: 'Cabin' });
    expect(store.getState().thermostats).toEqual([{ id: ID, key: KEY, name: 'Cabin' }]);
    expect(port.joins).toEqual([]);
  });

  it('says the thermostat was disconnected when the cable is pulled', async () => {
    const { port, session, setup } = setUp();
    await session.connect();
    port.unplug();
    await vi.waitFor(() => expect(setup()).toEqual({ step: 'start', problem: expect.stringMatching(/disconnected/) }));
    expect(port.closed).toBe(true);
  });

  it('lets go of the port when closed while it waits for a console answer', async () => {
    const { port, session, setup } = setUp({ answerConsole: () => [] }, { timeouts: { ...FAST, consoleAnswerMs: 60_000 } });
    const connecting = session.connect();
    await vi.waitFor(() => expect(port.consoleLines).toHaveLength(1));
    expect(setup().step).toBe('configuring');
    await session.close();
    expect(port.closed).toBe(true);
    await connecting;
  });

  it('reports nothing once closed', async () => {
    const { store, session, setup } = setUp({}, { timeouts: { ...FAST, joinMs: 200 } });
    await session.connect();
    const joining = session.join('Hearth Lab', 'correct horse', 'Hall');
    store.getState().setupEvent({ type: 'reset' });
    await session.close();
    await joining;
    expect(setup()).toEqual({ step: 'start', problem: null });
    expect(store.getState().thermostats).toEqual([]);
  });
});
