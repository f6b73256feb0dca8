import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { challenge, makeKey, makeLogonKeys, makeNonce, verifyLogon, type LogOnPacket, type RoutedPacket, type SetFields, type StateMessage } from '@protocol';
import { COMMAND_TIMEOUT_MS, SESSION_REFRESH_MS, STATE_SILENCE_MS } from './connection-client';
import type { CommandFailure, ConnectionStatus } from './link-status';
import { fakeBroker, forgetBrokers, pass } from './testing/fake-time';
import { testClient } from './testing/test-client';
import { TestThermostat } from './testing/test-thermostat';

interface Recorded {
  statuses: ConnectionStatus[];
  states: StateMessage[];
  pending: (SetFields | null)[];
  failures: CommandFailure[];
}

async function setUp(options: { key?: Uint8Array; verified?: boolean; memberName?: string } = {}) {
  const thermostat = new TestThermostat();
  const broker = fakeBroker(thermostat);
  const identity = await makeLogonKeys();
  const recorded: Recorded = { statuses: [], states: [], pending: [], failures: [] };
  const client = testClient(broker, {
    identity,
    memberName: options.memberName,
    thermostat: { id: thermostat.id, key: options.key ?? thermostat.key, joined: true, verified: options.verified ?? false },
    events: {
      status: (status) => recorded.statuses.push(status),
      state: (_id, state) => recorded.states.push(state),
      pendingSettings: (settings) => recorded.pending.push(settings),
      commandFailed: (reason) => recorded.failures.push(reason),
    },
  });
  const lastStatus = () => recorded.statuses.at(-1);
  return { thermostat, broker, identity, recorded, client, lastStatus };
}

describe('ConnectionClient', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
    forgetBrokers();
  });

  it('answers the CHALLENGE with a LOG_ON signed for its nonce and the URL’s host, STARTs with a fresh nonce and reports the STATE', async () => {
    const { client, broker, identity, recorded, lastStatus, thermostat } = await setUp();
    client.start();
    expect(lastStatus()).toBe('connecting');
    await pass();
    const logOn = broker.sentByApp('LOG_ON')[0] as LogOnPacket;
    expect(logOn).toMatchObject({ transmitter: identity.id, public_key: identity.publicKey });
    expect(await verifyLogon(logOn, broker.latest.nonce, 'broker.test')).toEqual({ ok: true, value: identity.id });
    expect(await verifyLogon(logOn, broker.latest.nonce, 'other.test')).toMatchObject({ ok: false });
    expect(thermostat.received.map((m) => m.type)).toEqual(['START']);
    expect(thermostat.received[0]?.body).toMatchObject({ type: 'START', name: 'Ana’s phone', nonce: expect.stringMatching(/^[\w-]{16,}$/) });
    expect(lastStatus()).toBe('connected');
    expect(recorded.states).toHaveLength(1);
    expect(recorded.states[0]?.target).toBe(21);
  });

  it('cuts a long name between characters, so that the thermostat takes its START', async () => {
    const emoji = '\u{1F600}';
    // 65 UTF-16 code units: cut after 64 the emoji's surrogate pair would be split.
    const { client, thermostat, lastStatus } = await setUp({ memberName: `${'a'.repeat(63)}${emoji}` });
    client.start();
    await pass();
    expect(thermostat.received[0]?.body).toMatchObject({ type: 'START', name: 'a'.repeat(63) });
    expect(lastStatus()).toBe('connected');
  });

  it('signs for the host of the URL each socket was opened with, and answers one CHALLENGE per socket', async () => {
    const { client, broker, identity, lastStatus } = await setUp();
    client.start();
    await pass();
    client.setUrl('wss://Other.Example:8443/ws');
    await pass();
    expect(lastStatus()).toBe('connected');
    const socket = broker.latest;
    const logOns = broker.sentByApp('LOG_ON') as LogOnPacket[];
    expect(logOns).toHaveLength(2);
    expect(await verifyLogon(logOns[1]!, socket.nonce, 'other.example:8443')).toEqual({ ok: true, value: identity.id });
    expect(await verifyLogon(logOns[1]!, broker.sockets[0]!.nonce, 'other.example:8443')).toMatchObject({ ok: false });
    socket.deliver(challenge(makeNonce()));
    await pass();
    expect(broker.sentByApp('LOG_ON')).toHaveLength(2);
  });

  it('sends SET with the session and increasing seq, and clears pending once a STATE confirms it', async () => {
    const { client, recorded, thermostat } = await setUp();
    client.start();
    await pass();
    client.sendSettings({ target: 21.5 });
    expect(recorded.pending.at(-1)).toEqual({ target: 21.5 });
    await pass();
    client.sendSettings({ mode: 'away' });
    await pass();
    const sets = thermostat.received.filter((m) => m.type === 'SET');
    expect(sets.map((m) => m.seq)).toEqual([2, 3]);
    expect(recorded.pending.at(-1)).toBeNull();
    expect(recorded.states.at(-1)).toMatchObject({ target: 21.5, mode: 'away' });
  });

  it('ignores a replayed STATE and STATEs it cannot authenticate', async () => {
    const { client, broker, recorded, thermostat, identity } = await setUp();
    client.start();
    await pass();
    const push = thermostat.stateTo(identity.id, { temperature: 22 });
    broker.push(push);
    await pass();
    expect(recorded.states).toHaveLength(2);
    broker.push(push);
    const forged: RoutedPacket = { ...thermostat.stateTo(identity.id), data: 'v1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' };
    broker.push(forged);
    broker.push(thermostat.forgedStart(identity.id));
    await pass();
    expect(recorded.states).toHaveLength(2);
  });

  it('left open, keeps its session heard from with an empty SET that changes nothing and shows nothing pending', async () => {
    vi.setSystemTime(new Date('2026-12-02T08:00:00.000Z'));
    const { client, broker, recorded, thermostat, identity } = await setUp();
    client.start();
    await pass();
    const pendingBefore = recorded.pending.length;
    // The thermostat's own pushes, once a minute, keep the silence watchdog quiet.
    for (let minute = 0; minute < SESSION_REFRESH_MS / 60_000; minute += 1) {
      await pass(60_000);
      broker.push(thermostat.stateTo(identity.id));
    }
    await pass();
    expect(thermostat.received.map((m) => m.type)).toEqual(['START', 'SET']);
    // It carries the app's clock, as every SET does: a thermostat without SNTP keeps its time from it.
    expect(thermostat.received[1]?.body).toEqual({ type: 'SET', session: expect.any(String), seq: 2, time: Date.UTC(2026, 11, 2, 8, 4) / 1000 });
    expect(recorded.pending).toHaveLength(pendingBefore);
    expect(thermostat.settings).toEqual({ target: 21, away_target: 17, hysteresis: 0.3, mode: 'auto' });
  });

  it('asks again when the thermostat stops pushing, and says it is not answering if it stays silent', async () => {
    const { client, lastStatus, thermostat } = await setUp();
    client.start();
    await pass();
    expect(lastStatus()).toBe('connected');
    thermostat.answering = false;
    await pass(STATE_SILENCE_MS);
    expect(thermostat.received.map((m) => m.type)).toEqual(['START', 'START']);
    expect(lastStatus()).toBe('connected');
    await pass(2 * COMMAND_TIMEOUT_MS);
    expect(lastStatus()).toBe('not-answering');
  });

  it('on stale_session STARTs again and repeats the command in the new session', async () => {
    const { client, recorded, thermostat } = await setUp();
    client.start();
    await pass();
    thermostat.reboot();
    client.sendSettings({ target: 19 });
    await pass();
    expect(thermostat.received.map((m) => m.type)).toEqual(['START', 'SET', 'START', 'SET']);
    expect(thermostat.settings.target).toBe(19);
    expect(recorded.pending.at(-1)).toBeNull();
    expect(recorded.failures).toEqual([]);
  });

  it('paired again with a new key for the same thermostat, STARTs under the new key and sends what was pending in that session', async () => {
    const { client, recorded, thermostat, identity, lastStatus } = await setUp({ verified: true });
    client.start();
    await pass();
    client.sendPresence({ home: false, distance: 2300 });
    await pass();
    // Set-up's "replace key": the thermostat was reset and now opens only what is sealed with its new key.
    Object.assign(thermostat, { key: makeKey() });
    thermostat.reboot();
    thermostat.members = [];
    client.sendSettings({ target: 19 });
    await pass();
    expect(thermostat.received.map((m) => m.type)).toEqual(['START', 'HOME_set']);

    client.setThermostats({ id: thermostat.id, key: thermostat.key, joined: true, verified: true }, [{ id: thermostat.id, key: thermostat.key, joined: true, verified: true }]);
    await pass();
    expect(thermostat.received.map((m) => m.type)).toEqual(['START', 'HOME_set', 'START', 'SET', 'HOME_set']);
    expect(thermostat.settings.target).toBe(19);
    expect(thermostat.members.find((member) => member.id === identity.id)?.home).toBe(false);
    expect(recorded.pending.at(-1)).toBeNull();
    expect(recorded.failures).toEqual([]);
    expect(lastStatus()).toBe('connected');
  });

  it('repeats an unanswered command once after a new START, 5 s later', async () => {
    const { client, recorded, thermostat } = await setUp();
    client.start();
    await pass();
    thermostat.dropNext = 1;
    client.sendSettings({ target: 23 });
    await pass(COMMAND_TIMEOUT_MS - 1);
    expect(thermostat.received.map((m) => m.type)).toEqual(['START', 'SET']);
    await pass(1);
    expect(thermostat.received.map((m) => m.type)).toEqual(['START', 'SET', 'START', 'SET']);
    expect(thermostat.settings.target).toBe(23);
    expect(recorded.pending.at(-1)).toBeNull();
  });

  it('says the thermostat is not answering when a verified thermostat goes silent', async () => {
    const { client, recorded, thermostat, lastStatus } = await setUp();
    client.start();
    await pass();
    thermostat.answering = false;
    client.sendSettings({ target: 23 });
    await pass(COMMAND_TIMEOUT_MS * 3);
    expect(lastStatus()).toBe('not-answering');
    expect(recorded.failures).toEqual(['no-answer']);
    expect(recorded.pending.at(-1)).toBeNull();
    thermostat.answering = true;
    await pass(30_000);
    expect(lastStatus()).toBe('connected');
  });

  it('suspects the key when a thermostat that is online never answered it', async () => {
    const { client, lastStatus, thermostat } = await setUp({ key: makeKey() });
    client.start();
    await pass(COMMAND_TIMEOUT_MS * 2);
    expect(thermostat.received).toEqual([]);
    expect(lastStatus()).toBe('wrong-key');
  });

  it('reports receiver_offline as thermostat offline and connects when it comes back', async () => {
    const { client, broker, lastStatus } = await setUp();
    broker.thermostatOnline = false;
    client.start();
    await pass();
    expect(lastStatus()).toBe('thermostat-offline');
    broker.thermostatOnline = true;
    await pass(10_000);
    expect(lastStatus()).toBe('connected');
  });

  it('reconnects with growing delays while the broker is unreachable, then logs on and STARTs again', async () => {
    const { client, broker, lastStatus, thermostat } = await setUp();
    broker.reachable = false;
    client.start();
    await pass();
    expect(lastStatus()).toBe('offline');
    // random() is 0.5, so each delay is 3/4 of 1 s, 2 s, 4 s ...
    await pass(749);
    expect(broker.sockets).toHaveLength(1);
    await pass(1);
    expect(broker.sockets).toHaveLength(2);
    await pass(1499);
    expect(broker.sockets).toHaveLength(2);
    await pass(1);
    expect(broker.sockets).toHaveLength(3);
    broker.reachable = true;
    await pass(3000);
    expect(lastStatus()).toBe('connected');
    expect(broker.sentByApp('LOG_ON')).toHaveLength(1);
    expect(thermostat.received.map((m) => m.type)).toEqual(['START']);
  });

  it('after a dropped connection starts a new session with a new nonce', async () => {
    const { client, broker, thermostat, lastStatus } = await setUp();
    client.start();
    await pass();
    broker.latest.serverClose(1006);
    expect(lastStatus()).toBe('offline');
    await pass(1000);
    expect(lastStatus()).toBe('connected');
    const nonces = thermostat.received.filter((m) => m.type === 'START').map((m) => (m.body as { nonce: string }).nonce);
    expect(nonces).toHaveLength(2);
    expect(nonces[0]).not.toBe(nonces[1]);
  });

  it('does not fight another window that took over its ID, until asked to resume', async () => {
    const { client, broker, lastStatus } = await setUp();
    client.start();
    await pass();
    broker.latest.serverClose(4002);
    expect(lastStatus()).toBe('replaced');
    await pass(60_000);
    expect(broker.sockets).toHaveLength(1);
    client.resume();
    await pass();
    expect(broker.sockets).toHaveLength(2);
    expect(lastStatus()).toBe('connected');
  });

  it('reports the thermostat refusing a value, and drops the pending value', async () => {
    const { client, recorded, thermostat, broker, identity } = await setUp();
    client.start();
    await pass();
    thermostat.answering = false;
    client.sendSettings({ target: 29.5 });
    broker.push(thermostat.stateTo(identity.id, { error: 'out_of_range' }));
    await pass();
    expect(recorded.failures).toEqual(['out_of_range']);
    expect(recorded.pending.at(-1)).toBeNull();
  });

  it('takes a change the thermostat could not store yet as made, not as failed, and passes the STATE on', async () => {
    const { client, recorded, thermostat, broker, identity } = await setUp();
    client.start();
    await pass();
    thermostat.answering = false;
    client.sendSettings({ target: 22 });
    broker.push(thermostat.stateTo(identity.id, { target: 22, error: 'storage' }));
    await pass();
    expect(recorded.states.at(-1)).toMatchObject({ target: 22, error: 'storage' });
    expect(recorded.pending.at(-1)).toBeNull();
    // The thermostat retries the write itself: the app neither repeats the SET nor reports it unanswered.
    await pass(COMMAND_TIMEOUT_MS * 3);
    expect(recorded.failures).toEqual([]);
    expect(thermostat.received.filter((m) => m.type === 'SET')).toHaveLength(1);
  });

  it('sends a START the broker dropped for a busy thermostat again after a short backoff, long before the START timeout', async () => {
    const { client, broker, thermostat, lastStatus, recorded } = await setUp();
    broker.busyFor.set('START', 2);
    client.start();
    await pass();
    expect(thermostat.received).toEqual([]);
    expect(lastStatus()).toBe('connecting');
    // With random() at 0.5 the backoff is 750 ms, then 1500 ms; an unanswered START waits 5 s.
    await pass(750);
    expect(broker.sentByApp('START')).toHaveLength(2);
    await pass(1500);
    expect(broker.sentByApp('START')).toHaveLength(3);
    expect(thermostat.received.map((m) => m.type)).toEqual(['START']);
    expect(lastStatus()).toBe('connected');
    expect(recorded.statuses).not.toContain('not-answering');
  });

  it('sends a command the broker dropped for a busy thermostat again after a short backoff, in the same session', async () => {
    const { client, broker, thermostat, recorded } = await setUp();
    client.start();
    await pass();
    broker.busyFor.set('MSG', 1);
    client.sendSettings({ target: 22 });
    await pass();
    expect(thermostat.received.map((m) => m.type)).toEqual(['START']);
    await pass(750);
    expect(thermostat.received.map((m) => m.type)).toEqual(['START', 'SET']);
    expect(thermostat.settings.target).toBe(22);
    expect(recorded.pending.at(-1)).toBeNull();
    expect(recorded.failures).toEqual([]);
  });

  describe('the clock, boost, hold and away-until', () => {
    const T0 = Date.UTC(2026, 11, 2, 8, 0, 0) / 1000;
    const setBodies = (thermostat: TestThermostat) => thermostat.received.filter((m) => m.type === 'SET').map((m) => m.body);

    beforeEach(() => {
      vi.setSystemTime(T0 * 1000);
    });

    it('puts its clock in every SET, a repeated one included, in whole seconds', async () => {
      const { client, thermostat } = await setUp();
      client.start();
      await pass();
      vi.setSystemTime(T0 * 1000 + 1999);
      thermostat.dropNext = 1;
      client.sendSettings({ target: 21.5 });
      await pass(COMMAND_TIMEOUT_MS);
      expect(setBodies(thermostat)).toEqual([
        { type: 'SET', session: expect.any(String), seq: 2, target: 21.5, time: T0 + 1 },
        { type: 'SET', session: expect.any(String), seq: 2, target: 21.5, time: T0 + 6 },
      ]);
      expect(thermostat.clock).toMatchObject({ time: T0 + 6, source: 'app' });
    });

    it('leaves its clock out when it lies outside the contract’s range, and says the thermostat refused an override for want of one', async () => {
      vi.setSystemTime(new Date('2001-01-01T00:00:00.000Z'));
      const { client, thermostat, recorded } = await setUp();
      client.start();
      await pass();
      client.sendSettings({ boost: { setpoint: 23, minutes: 60 } });
      await pass();
      expect(setBodies(thermostat)).toEqual([{ type: 'SET', session: expect.any(String), seq: 2, boost: { setpoint: 23, minutes: 60 } }]);
      expect(recorded.states.at(-1)?.error).toBe('no_clock');
      expect(recorded.failures).toEqual(['no_clock']);
      expect(recorded.pending.at(-1)).toBeNull();
      expect(thermostat.boost).toBeNull();
    });

    it('shows a boost pending until a STATE shows it running at its set point', async () => {
      const { client, thermostat, recorded, broker, identity } = await setUp();
      client.start();
      await pass();
      thermostat.answering = false;
      client.sendSettings({ boost: { setpoint: 23, minutes: 90 } });
      await pass();
      expect(setBodies(thermostat)).toEqual([{ type: 'SET', session: expect.any(String), seq: 2, boost: { setpoint: 23, minutes: 90 }, time: T0 }]);
      expect(recorded.pending.at(-1)).toEqual({ boost: { setpoint: 23, minutes: 90 } });
      // A push from before the SET was taken: still pending.
      broker.push(thermostat.stateTo(identity.id, { boost: null }));
      await pass();
      expect(recorded.pending.at(-1)).toEqual({ boost: { setpoint: 23, minutes: 90 } });
      broker.push(thermostat.stateTo(identity.id, { time: T0, clock: 'app', boost: { setpoint: 23, until: T0 + 5400 } }));
      await pass();
      expect(recorded.pending.at(-1)).toBeNull();
      expect(recorded.failures).toEqual([]);
    });

    it('confirms an away-until by its moment and warm-up, a hold by its set point, and their ends by null', async () => {
      const { client, thermostat, recorded } = await setUp();
      client.start();
      await pass();
      const awayUntil = { until: T0 + 3 * 86_400, preheat_minutes: 60 };
      client.sendSettings({ away_until: awayUntil });
      await pass();
      expect(recorded.pending.at(-1)).toBeNull();
      expect(recorded.states.at(-1)?.away_until).toEqual(awayUntil);
      client.sendSettings({ manual: 22.5 });
      await pass();
      expect(recorded.pending.at(-1)).toBeNull();
      expect(recorded.states.at(-1)).toMatchObject({ manual: { setpoint: 22.5, until: null }, setpoint: 22.5, setpoint_source: 'manual' });
      client.sendSettings({ manual: null, away_until: null });
      await pass();
      expect(recorded.pending.at(-1)).toBeNull();
      expect(recorded.states.at(-1)).toMatchObject({ manual: null, away_until: null });
      const position = { session: expect.any(String), seq: expect.any(Number) };
      expect(setBodies(thermostat)).toEqual([
        { type: 'SET', ...position, away_until: awayUntil, time: T0 },
        { type: 'SET', ...position, manual: 22.5, time: T0 },
        { type: 'SET', ...position, manual: null, away_until: null, time: T0 },
      ]);
    });

    it.each<[string, SetFields]>([
      ['a mode', { mode: 'away' }],
      ['a schedule', { schedule: [[[390, 21]], [], [], [], [], [], []] }],
      ['a time zone', { time_zone: 'CET-1CEST,M3.5.0,M10.5.0/3' }],
    ])('takes a pending hold that %s sent after it ended as done, and never brings it back', async (_name, ending) => {
      const { client, thermostat, recorded } = await setUp();
      client.start();
      await pass();
      client.sendSettings({ manual: 22 });
      client.sendSettings(ending);
      expect(recorded.pending.at(-1)).toEqual(ending);
      await pass(COMMAND_TIMEOUT_MS * 3);
      const position = { session: expect.any(String), seq: expect.any(Number), time: expect.any(Number) };
      expect(setBodies(thermostat)).toEqual([
        { type: 'SET', ...position, manual: 22 },
        { type: 'SET', ...position, ...ending },
      ]);
      expect(thermostat.manual).toBeNull();
      expect(recorded.pending.at(-1)).toBeNull();
      expect(recorded.failures).toEqual([]);
    });

    it('confirms each field on its own: a repeat carries only what no STATE has shown, so a boost does not start again', async () => {
      const { client, thermostat, recorded, broker, identity } = await setUp();
      thermostat.setClock(T0);
      client.start();
      await pass();
      thermostat.answering = false;
      client.sendSettings({ boost: { setpoint: 23, minutes: 60 } });
      client.sendSettings({ target: 22 });
      await pass();
      // The boost was taken and a push shows it; the target's SET was lost.
      thermostat.boost = { setpoint: 23, until: T0 + 3600 };
      broker.push(thermostat.stateTo(identity.id));
      await pass();
      expect(recorded.pending.at(-1)).toEqual({ target: 22 });
      thermostat.answering = true;
      await pass(COMMAND_TIMEOUT_MS);
      expect(setBodies(thermostat).at(-1)).toEqual({ type: 'SET', session: expect.any(String), seq: 2, target: 22, time: T0 + 5 });
      expect(thermostat.settings.target).toBe(22);
      expect(thermostat.boost).toEqual({ setpoint: 23, until: T0 + 3600 });
      expect(recorded.pending.at(-1)).toBeNull();
      expect(recorded.failures).toEqual([]);
    });

    it('judges what is pending by the new session’s first STATE: a boost taken before its answer was lost is not sent again', async () => {
      const { client, thermostat, recorded } = await setUp();
      thermostat.setClock(T0);
      client.start();
      await pass();
      thermostat.answering = false;
      client.sendSettings({ boost: { setpoint: 23, minutes: 60 } });
      await pass();
      // The thermostat took the boost; its answer never arrived.
      thermostat.boost = { setpoint: 23, until: T0 + 3600 };
      thermostat.answering = true;
      await pass(COMMAND_TIMEOUT_MS * 3);
      expect(thermostat.received.map((m) => m.type)).toEqual(['START', 'SET', 'START']);
      expect(thermostat.boost).toEqual({ setpoint: 23, until: T0 + 3600 });
      expect(recorded.pending.at(-1)).toBeNull();
      expect(recorded.failures).toEqual([]);
    });

    it('sends a boost again in a new session when no STATE ever showed it', async () => {
      const { client, thermostat, recorded } = await setUp();
      thermostat.setClock(T0);
      client.start();
      await pass();
      thermostat.reboot();
      client.sendSettings({ boost: { setpoint: 23, minutes: 60 } });
      await pass();
      expect(thermostat.received.map((m) => m.type)).toEqual(['START', 'SET', 'START', 'SET']);
      expect(thermostat.boost).toEqual({ setpoint: 23, until: T0 + 3600 });
      expect(recorded.pending.at(-1)).toBeNull();
    });

    it('reports an away-until the thermostat refused as out of range, and drops it', async () => {
      const { client, recorded, thermostat, broker, identity } = await setUp();
      client.start();
      await pass();
      thermostat.answering = false;
      client.sendSettings({ away_until: { until: T0 + 60, preheat_minutes: 0 } });
      broker.push(thermostat.stateTo(identity.id, { error: 'out_of_range' }));
      await pass();
      expect(recorded.failures).toEqual(['out_of_range']);
      expect(recorded.pending.at(-1)).toBeNull();
    });
  });
});
