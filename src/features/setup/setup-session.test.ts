import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAppStore } from '@/stores/app-store';
import { DEFAULT_TIMEOUTS, SetupSession, type SetupPort, type SetupSessionOptions } from './setup-session';
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
const FAST = { consoleAnswerMs: 300, consoleResendMs: 60, consoleAttempts: 3, detectMs: 300, scanMs: 300, joinMs: 2000 };

function setUp(device: FakeThermostatOptions = {}, options: Partial<SetupSessionOptions> = {}) {
  const store = createAppStore();
  const port = new FakeThermostatPort({ networks: NETWORKS, link: LINK, ...device });
  const session = new SetupSession({ serial: fakeSerial(port), store, brokerUrl: BROKER, appUrl: APP, timeouts: FAST, ...options });
  const setup = () => store.getState().setup;
  return { store, port, session, setup };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('SetupSession', () => {
  it('tells the thermostat its addresses, lists its networks, explains a wrong password, then pairs from the link', async () => {
    const { store, port, session, setup } = setUp();
    await session.connect();
    expect(port.openedWith).toEqual({ baudRate: 115200 });
    expect(port.consoleLines).toEqual([`app ${APP}`, `broker ${BROKER}`]);
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
    expect(store.getState().thermostats).toEqual([{ id: ID, key: KEY, name: 'Hall', joined: false }]);
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

  it('says so when the port cannot be opened, and that a reload frees a port this page still holds', async () => {
    const { port, session, setup } = setUp();
    await port.open({ baudRate: 9600 });
    await session.connect();
    expect(setup()).toEqual({ step: 'start', problem: expect.stringMatching(/port could not be opened.*or reload this page/) });
  });

  it('says why the browser refused the port in full: a SecurityError names the permissions policy', async () => {
    const store = createAppStore();
    const cause = 'Failed to execute \'requestPort\' on \'Serial\': Access to the feature "serial" is disallowed by permissions policy.';
    const serial = { requestPort: () => Promise.reject(new DOMException(cause, 'SecurityError')) };
    await new SetupSession({ serial, store, brokerUrl: BROKER, appUrl: APP, timeouts: FAST }).connect();
    expect(store.getState().setup).toEqual({ step: 'start', problem: `This page may not use serial ports: SecurityError: ${cause}` });
  });

  it('sends the app address before the broker: a new broker sets the thermostat dialling', async () => {
    const { port, session } = setUp();
    await session.connect();
    expect(port.consoleLines.slice(0, 2)).toEqual([`app ${APP}`, `broker ${BROKER}`]);
  });

  it('waits out a thermostat whose loop blocks for 15 s after taking the broker (a wss:// connect), with the default waits', async () => {
    vi.useFakeTimers();
    const { port, session, setup } = setUp({ provisioned: true, busyAfterBrokerMs: 15_000 }, { timeouts: DEFAULT_TIMEOUTS });
    const connecting = session.connect();
    await vi.advanceTimersByTimeAsync(14_000);
    expect(setup().step).toBe('detecting');
    await vi.advanceTimersByTimeAsync(2_000);
    expect(setup()).toMatchObject({ step: 'choosing-network', alreadyOnline: true });
    expect(port.consoleLines).toEqual([`app ${APP}`, `broker ${BROKER}`]);
    await session.close();
    await connecting;
  });

  it('waits longer than the thermostat ever blocks, for each console answer, for Improv and for a join', () => {
    const longestBlockMs = 15_000;
    expect(DEFAULT_TIMEOUTS.consoleAnswerMs).toBeGreaterThan(longestBlockMs);
    expect(DEFAULT_TIMEOUTS.detectMs).toBeGreaterThanOrEqual(16_000);
    expect(DEFAULT_TIMEOUTS.scanMs).toBeGreaterThan(15_000 + longestBlockMs);
    // The connect (30 s), the wait for its logon (20 s) and a blocking connect in between.
    expect(DEFAULT_TIMEOUTS.joinMs).toBeGreaterThan(30_000 + 20_000 + longestBlockMs);
  });

  it('sends a line again when a board booting after the port opened missed it', async () => {
    let seen = 0;
    const { port, session, setup } = setUp({ answerConsole: (line) => (line.startsWith('app') && seen++ === 0 ? ['ets Jan  8 2013,rst cause:2, boot mode:(3,6)'] : undefined) });
    await session.connect();
    expect(port.consoleLines).toEqual([`app ${APP}`, `app ${APP}`, `broker ${BROKER}`]);
    expect(setup().step).toBe('choosing-network');
  });

  it('sends every command again when it goes unanswered, not only the first', async () => {
    const missed = new Set<string>();
    const { port, session, setup } = setUp({
      answerConsole: (line) => {
        const verb = line.split(' ')[0] ?? '';
        if (missed.has(verb)) return undefined;
        missed.add(verb);
        return [];
      },
    });
    await session.connect();
    expect(port.consoleLines).toEqual([`app ${APP}`, `app ${APP}`, `broker ${BROKER}`, `broker ${BROKER}`]);
    expect(setup().step).toBe('choosing-network');
  });

  it('ends what a board reset left in the thermostat\'s line before the first command, and takes that line\'s error for noise', async () => {
    // The thermostat answers the leftover bytes "error unknown command: sta (try help)"; sent straight after them,
    // "app …" would have become "staapp …" and its answer "error unknown command: staapp (try help)".
    const { port, session, setup } = setUp({ leftover: 'sta' });
    await session.connect();
    expect(port.consoleLines).toEqual(['sta', `app ${APP}`, `broker ${BROKER}`]);
    expect(setup().step).toBe('choosing-network');
  });

  it('takes only an answer that names its command: a bare ok, ok commands and another command\'s error are noise', async () => {
    const noise = ['ok', 'ok commands: help, pair', 'error unknown command: stabroker (try help)', 'error line too long (at most 200 bytes): ignored up to its end'];
    const { session, setup } = setUp({ answerConsole: (line) => (line.startsWith('broker') ? [...noise, 'error broker takes a ws:// or wss:// URL'] : noise) });
    await session.connect();
    expect(setup()).toEqual({ step: 'start', problem: expect.stringMatching(/^The thermostat did not answer on its console/) });
  });

  it('skips noise, over-long lines and answers to other commands while it waits for its own', async () => {
    const noise = (line: string) => ['\u0000\u00ff garbage', 'y'.repeat(5000), 'ok broker-pin none', 'PAIR http://evil.example/#pair=x', `ok ${line}`];
    const { session, setup } = setUp({ answerConsole: noise });
    await session.connect();
    expect(setup().step).toBe('choosing-network');
  });

  it('takes the longest broker address the console reads, whose echo is longer than 200 bytes', async () => {
    const longBroker = `wss://hearth.home.example/${'w'.repeat(192 - 'wss://hearth.home.example/'.length)}`;
    const { port, session, setup } = setUp({}, { brokerUrl: longBroker });
    await session.connect();
    expect(port.consoleLines).toEqual([`app ${APP}`, `broker ${longBroker}`]);
    expect(setup().step).toBe('choosing-network');
  });

  it('stops with the reason when the thermostat refuses an address, and reports it only once the port is closed', async () => {
    const { store, port, session, setup } = setUp({
      answerConsole: (line) => (line.startsWith('app') ? ['error app takes the http:// or https:// URL of the app'] : undefined),
    });
    const closedWhenReported: boolean[] = [];
    store.subscribe((state) => {
      if (state.setup.step === 'start' && state.setup.problem !== null) closedWhenReported.push(port.closed);
    });
    await session.connect();
    expect(setup()).toEqual({
      step: 'start',
      problem: `The thermostat refused the app address ${APP}: takes the http:// or https:// URL of the app`,
    });
    expect(closedWhenReported).toEqual([true]);
  });

  it('gives up after three tries when nothing answers, without blaming the firmware first', async () => {
    const { port, session, setup } = setUp({ answerConsole: () => [] });
    await session.connect();
    expect(port.consoleLines).toEqual([`app ${APP}`, `app ${APP}`, `app ${APP}`]);
    expect(setup()).toEqual({ step: 'start', problem: expect.stringMatching(/did not answer on its console within 0 s\. Check that this is its port/) });
    expect(port.closed).toBe(true);
  });

  it('refuses a broker address the console cannot take before sending anything', async () => {
    const { port, session, setup } = setUp({}, { brokerUrl: `wss://h/${'x'.repeat(300)}` });
    await session.connect();
    expect(port.consoleLines).toEqual([]);
    expect(setup()).toEqual({ step: 'start', problem: expect.stringMatching(/too long for the thermostat/) });
  });

  it('explains a device that answers on the console but not Improv, as possibly only busy', async () => {
    const { port, session, setup } = setUp({ improv: false });
    await session.connect();
    expect(setup()).toEqual({ step: 'start', problem: expect.stringMatching(/did not answer Wi-Fi setup \(Improv\) within 0 s\. It may still have been busy/) });
    expect(port.closed).toBe(true);
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

  it('asks for the link on the console when the thermostat joined but its answer carries none', async () => {
    const { store, port, session, setup } = setUp({ linkInResult: false });
    await session.connect();
    await session.join('Hearth Lab', 'correct horse', 'Hall');
    expect(port.consoleLines).toEqual([`app ${APP}`, `broker ${BROKER}`, 'pair']);
    expect(setup()).toEqual({ step: 'paired', thermostatId: ID, name: 'Hall' });
    expect(store.getState().thermostats).toEqual([{ id: ID, key: KEY, name: 'Hall', joined: false }]);
  });

  it('says a thermostat on the network whose link is late is to be added as it is, not that the network is out of range', async () => {
    const { port, session, setup } = setUp({ answersJoin: false }, { timeouts: { ...FAST, joinMs: 300 } });
    await session.connect();
    await session.join('Hearth Lab', 'correct horse', 'Hall');
    expect(setup()).toEqual({
      step: 'start',
      problem: 'The thermostat joined Hearth Lab but has not handed over its link yet; connect again and add it as it is.',
    });
    expect(port.closed).toBe(true);
  });

  it('offers a thermostat that is already on Wi-Fi as it is', async () => {
    const { store, port, session, setup } = setUp({ provisioned: true });
    await session.connect();
    expect(setup()).toMatchObject({ step: 'choosing-network', alreadyOnline: true });
    await session.addAsItIs('Cabin');
    expect(setup()).toEqual({ step: 'paired', thermostatId: ID, name: 'Cabin' });
    expect(store.getState().thermostats).toEqual([{ id: ID, key: KEY, name: 'Cabin', joined: false }]);
    expect(port.joins).toEqual([]);
  });

  it('keeps the name of a thermostat the app already holds with this key, unless another is typed', async () => {
    const { store, session, setup } = setUp({ provisioned: true });
    store.getState().addThermostat({ id: ID, key: KEY, name: 'Hall' });
    await session.connect();
    await session.addAsItIs('');
    expect(setup()).toEqual({ step: 'paired', thermostatId: ID, name: 'Hall' });
    expect(store.getState().thermostats).toEqual([{ id: ID, key: KEY, name: 'Hall', joined: false }]);

    const again = setUp({ provisioned: true });
    again.store.getState().addThermostat({ id: ID, key: KEY, name: 'Hall' });
    await again.session.connect();
    await again.session.addAsItIs('Landing');
    expect(again.store.getState().thermostats).toEqual([{ id: ID, key: KEY, name: 'Landing', joined: false }]);
  });

  it('does not replace the key of a thermostat the app holds with another one until the person says so', async () => {
    const oldKey = `${KEY.slice(0, -2)}AA`;
    const { store, port, session, setup } = setUp();
    store.getState().addThermostat({ id: ID, key: oldKey, name: 'Hall' });
    await session.connect();
    await session.join('Hearth Lab', 'correct horse', '');
    expect(setup()).toEqual({ step: 'already-paired', thermostatId: ID, name: 'Hall' });
    expect(store.getState().thermostats).toEqual([{ id: ID, key: oldKey, name: 'Hall', joined: false }]);
    expect(port.closed).toBe(true);

    await session.replaceKey();
    expect(setup()).toEqual({ step: 'paired', thermostatId: ID, name: 'Hall' });
    expect(store.getState().thermostats).toEqual([{ id: ID, key: KEY, name: 'Hall', joined: false }]);
  });

  it('keeps the member key of a thermostat this phone joined: the new invitation is not used, only a typed name changes', async () => {
    const memberKey = `${KEY.slice(0, -2)}AA`;
    const { store, port, session, setup } = setUp();
    store.getState().addThermostat({ id: ID, key: memberKey, name: 'Hall', joined: true });
    await session.connect();
    await session.join('Hearth Lab', 'correct horse', '');
    expect(setup()).toEqual({ step: 'paired', thermostatId: ID, name: 'Hall', alreadyMember: true });
    expect(store.getState().thermostats).toEqual([{ id: ID, key: memberKey, name: 'Hall', joined: true }]);
    expect(port.closed).toBe(true);

    const again = setUp({ provisioned: true });
    again.store.getState().addThermostat({ id: ID, key: memberKey, name: 'Hall', joined: true });
    await again.session.connect();
    await again.session.addAsItIs('Landing');
    expect(again.setup()).toEqual({ step: 'paired', thermostatId: ID, name: 'Landing', alreadyMember: true });
    expect(again.store.getState().thermostats).toEqual([{ id: ID, key: memberKey, name: 'Landing', joined: true }]);
  });

  it('replaces the member key of a thermostat that removed this phone once the person says so', async () => {
    const memberKey = `${KEY.slice(0, -2)}AA`;
    const { store, session, setup } = setUp();
    store.getState().addThermostat({ id: ID, key: memberKey, name: 'Hall', joined: true });
    store.getState().setMembership(ID, 'removed');
    await session.connect();
    await session.join('Hearth Lab', 'correct horse', '');
    expect(setup()).toEqual({ step: 'already-paired', thermostatId: ID, name: 'Hall' });
    await session.replaceKey();
    expect(store.getState().thermostats).toEqual([{ id: ID, key: KEY, name: 'Hall', joined: false }]);
  });

  it('ends with a plain message, the port closed, when something unexpected throws', async () => {
    const real = new FakeThermostatPort({ networks: NETWORKS, link: LINK });
    let broken = true;
    const port: SetupPort = {
      open: (options) => real.open(options),
      close: () => real.close(),
      get readable() {
        if (broken) throw new Error('boom');
        return real.readable;
      },
      get writable() {
        return real.writable;
      },
    };
    const store = createAppStore();
    await new SetupSession({ serial: { requestPort: async () => port }, store, brokerUrl: BROKER, appUrl: APP, timeouts: FAST }).connect();
    broken = false;
    expect(store.getState().setup).toEqual({ step: 'start', problem: 'Set-up stopped on something unexpected (Error: boom). Press Connect to try again.' });
    expect(real.closed).toBe(true);
  });

  it('closes the port even while the Improv SDK waits on a write the thermostat does not take', async () => {
    const { port, session, setup } = setUp();
    await session.connect();
    expect(setup().step).toBe('choosing-network');
    port.stallWrites();
    const scanning = session.scan();
    await vi.waitFor(() => expect(port.writable?.locked).toBe(true));
    await session.close();
    expect(port.closed).toBe(true);
    expect(port.refusedCloses).toBe(0);
    await scanning;
  });

  it('stops listening to a device that floods a scan with results', async () => {
    const { store, port, session, setup } = setUp({ scanFlood: 2000 }, { phaseByteBudget: 64 * 1024 });
    await session.connect();
    expect(setup()).toEqual({ step: 'start', problem: expect.stringMatching(/sent far more than a thermostat being set up does/) });
    expect(port.closed).toBe(true);
    expect(store.getState().thermostats).toEqual([]);
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

  it('reports nothing once closed: a join cut short leaves the state as it was', async () => {
    const { store, port, session, setup } = setUp({}, { timeouts: { ...FAST, joinMs: 200 } });
    await session.connect();
    // The thermostat takes no more bytes: the Wi-Fi settings never arrive, and the join times out after the close.
    port.stallWrites();
    const joining = session.join('Hearth Lab', 'correct horse', 'Hall');
    expect(setup()).toMatchObject({ step: 'joining', ssid: 'Hearth Lab' });
    await session.close();
    await joining;
    expect(setup()).toMatchObject({ step: 'joining', ssid: 'Hearth Lab' });
    expect(store.getState().thermostats).toEqual([]);
    expect(port.closed).toBe(true);
  });
});
