import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeKey, type RoutedPacket, type SetFields, type StateMessage } from '@protocol';
import { STATE_FRESH_MS } from './link-status';
import { COMMAND_TIMEOUT_MS, SESSION_REFRESH_MS, SILENCE_WATCH_MS, THERMOSTAT_RETRY_MAX_MS } from './thermostat-session';
import type { CommandFailure, SessionStatus } from './link-status';
import { pass } from './testing/fake-time';
import { testSession } from './testing/test-session';
import { TestThermostat } from './testing/test-thermostat';

interface Recorded {
  statuses: SessionStatus[];
  states: StateMessage[];
  pending: (SetFields | null)[];
  failures: CommandFailure[];
}

async function setUp(options: { key?: Uint8Array; verified?: boolean; memberName?: string } = {}) {
  const thermostat = new TestThermostat();
  const recorded: Recorded = { statuses: [], states: [], pending: [], failures: [] };
  const { session, wire, me } = testSession(thermostat, {
    ...(options.memberName === undefined ? {} : { memberName: options.memberName }),
    thermostat: { id: thermostat.id, key: options.key ?? thermostat.key, joined: true, verified: options.verified ?? false },
    events: {
      status: (status) => recorded.statuses.push(status),
      state: (state) => recorded.states.push(state),
      pendingSettings: (settings) => recorded.pending.push(settings),
      commandFailed: (reason) => recorded.failures.push(reason),
    },
  });
  const lastStatus = () => recorded.statuses.at(-1);
  return { thermostat, wire, me, recorded, session, lastStatus };
}

describe('ThermostatSession', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('STARTs with a fresh nonce once the link is up and reports the STATE', async () => {
    const { session, wire, recorded, lastStatus, thermostat } = await setUp();
    expect(lastStatus()).toBe('starting');
    wire.linkUp();
    await pass();
    expect(wire.sentByApp('START')).toHaveLength(1);
    expect(thermostat.received.map((m) => m.type)).toEqual(['START']);
    expect(thermostat.received[0]?.body).toMatchObject({ type: 'START', name: 'Ana’s phone', nonce: expect.stringMatching(/^[\w-]{16,}$/) });
    expect(lastStatus()).toBe('live');
    expect(recorded.states).toHaveLength(1);
    expect(recorded.states[0]?.target).toBe(21);
    session.stop();
  });

  it('cuts a long name between characters, so that the thermostat takes its START', async () => {
    const emoji = '\u{1F600}';
    // 65 UTF-16 code units: cut after 64 the emoji's surrogate pair would be split.
    const { wire, thermostat, lastStatus } = await setUp({ memberName: `${'a'.repeat(63)}${emoji}` });
    wire.linkUp();
    await pass();
    expect(thermostat.received[0]?.body).toMatchObject({ type: 'START', name: 'a'.repeat(63) });
    expect(lastStatus()).toBe('live');
  });

  it('sends SET with the session and increasing seq, and clears pending once a STATE confirms it', async () => {
    const { session, wire, recorded, thermostat } = await setUp();
    wire.linkUp();
    await pass();
    session.sendSettings({ target: 21.5 });
    expect(recorded.pending.at(-1)).toEqual({ target: 21.5 });
    await pass();
    session.sendSettings({ mode: 'away' });
    await pass();
    const sets = thermostat.received.filter((m) => m.type === 'SET');
    expect(sets.map((m) => m.seq)).toEqual([2, 3]);
    expect(recorded.pending.at(-1)).toBeNull();
    expect(recorded.states.at(-1)).toMatchObject({ target: 21.5, mode: 'away' });
  });

  it('ignores a replayed STATE and STATEs it cannot authenticate', async () => {
    const { wire, recorded, thermostat, me } = await setUp();
    wire.linkUp();
    await pass();
    const push = thermostat.stateTo(me, { temperature: 22 });
    wire.push(push);
    await pass();
    expect(recorded.states).toHaveLength(2);
    wire.push(push);
    const forged: RoutedPacket = { ...thermostat.stateTo(me), data: 'v1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' };
    wire.push(forged);
    wire.push(thermostat.forgedStart(me));
    await pass();
    expect(recorded.states).toHaveLength(2);
  });

  it('left open, keeps its session heard from with an empty SET that changes nothing and shows nothing pending', async () => {
    vi.setSystemTime(new Date('2026-12-02T08:00:00.000Z'));
    const { wire, recorded, thermostat, me } = await setUp();
    wire.linkUp();
    await pass();
    const pendingBefore = recorded.pending.length;
    // The thermostat's own pushes, once a minute, keep the silence watchdog quiet.
    for (let minute = 0; minute < SESSION_REFRESH_MS / 60_000; minute += 1) {
      await pass(60_000);
      wire.push(thermostat.stateTo(me));
    }
    await pass();
    expect(thermostat.received.map((m) => m.type)).toEqual(['START', 'SET']);
    // It carries the app's clock, as every SET does: a thermostat without SNTP keeps its time from it.
    expect(thermostat.received[1]?.body).toEqual({ type: 'SET', session: expect.any(String), seq: 2, time: Date.UTC(2026, 11, 2, 8, 4) / 1000 });
    expect(recorded.pending).toHaveLength(pendingBefore);
    expect(thermostat.settings).toEqual({ target: 21, away_target: 17, hysteresis: 0.3, mode: 'auto' });
  });

  describe('the silence rule (docs/protocol.md "Sessions and replay")', () => {
    it('a thermostat killed right after a STATE is shown offline 65 s later: an empty SET, answered receiver_offline', async () => {
      const { wire, lastStatus, recorded, thermostat } = await setUp();
      wire.linkUp();
      await pass();
      expect(lastStatus()).toBe('live');
      const killedAt = Date.now();
      wire.thermostatOnline = false;
      await pass(STATE_FRESH_MS - 1);
      expect(lastStatus()).toBe('live');
      expect(wire.sentByApp('MSG')).toHaveLength(0);
      await pass(1);
      expect(recorded.statuses.slice(-2)).toEqual(['checking', 'thermostat-offline']);
      expect(Date.now() - killedAt).toBeLessThanOrEqual(70_000);
      // The question was an empty SET: nothing changes when it does get through.
      expect(wire.sentByApp('MSG')).toHaveLength(1);
      expect(thermostat.received.map((m) => m.type)).toEqual(['START']);
    });

    it('a thermostat that goes silent while the broker still has it is shown not answering 70 s after its last STATE, then asked again with backoff', async () => {
      const { wire, lastStatus, recorded, thermostat } = await setUp();
      wire.linkUp();
      await pass();
      const lastStateAt = Date.now();
      thermostat.answering = false;
      await pass(STATE_FRESH_MS);
      expect(lastStatus()).toBe('checking');
      expect(thermostat.received.map((m) => m.type)).toEqual(['START', 'SET']);
      expect(thermostat.received[1]?.body).toEqual({ type: 'SET', session: expect.any(String), seq: 2, time: expect.any(Number) });
      await pass(COMMAND_TIMEOUT_MS - 1);
      expect(lastStatus()).toBe('checking');
      await pass(1);
      expect(lastStatus()).toBe('not-answering');
      expect(Date.now() - lastStateAt).toBe(70_000);
      expect(recorded.statuses).toEqual(['starting', 'live', 'checking', 'not-answering']);
      // START again, with backoff (3/4 of 2 s with random() at 0.5), and live again once it answers.
      await pass(1499);
      expect(thermostat.received.map((m) => m.type)).toEqual(['START', 'SET']);
      await pass(1);
      expect(thermostat.received.map((m) => m.type)).toEqual(['START', 'SET', 'START']);
      thermostat.answering = true;
      await pass(THERMOSTAT_RETRY_MAX_MS * 2);
      expect(lastStatus()).toBe('live');
    });

    it('a phone whose clock jumped past 65 s since the last STATE (woken from sleep) asks at once, not when its timer ends', async () => {
      const { wire, lastStatus, recorded, thermostat } = await setUp();
      wire.linkUp();
      await pass();
      expect(lastStatus()).toBe('live');
      // Asleep, its timers stood still and its clock did not: by that clock (which the reach reads) the STATE is 2 h old.
      vi.setSystemTime(Date.now() + 2 * 60 * 60_000);
      await pass(SILENCE_WATCH_MS - 1);
      expect(thermostat.received.map((m) => m.type)).toEqual(['START']);
      await pass(1);
      expect(thermostat.received.map((m) => m.type)).toEqual(['START', 'SET']);
      expect(thermostat.received[1]?.body).toEqual({ type: 'SET', session: expect.any(String), seq: 2, time: expect.any(Number) });
      // Its answer makes the session live again a second after waking, instead of up to 65 s later.
      expect(recorded.statuses).toEqual(['starting', 'live', 'checking', 'live']);
      // And the watch starts again from that STATE: no more questions while STATEs come.
      await pass(STATE_FRESH_MS - 1);
      expect(thermostat.received.map((m) => m.type)).toEqual(['START', 'SET']);
    });

    it('each STATE within 65 s of the last keeps the session live without asking', async () => {
      const { wire, lastStatus, recorded, thermostat, me } = await setUp();
      wire.linkUp();
      await pass();
      for (let push = 0; push < 3; push += 1) {
        await pass(STATE_FRESH_MS - 1);
        wire.push(thermostat.stateTo(me));
      }
      await pass();
      expect(recorded.statuses).toEqual(['starting', 'live']);
      expect(thermostat.received.map((m) => m.type)).toEqual(['START']);
      expect(lastStatus()).toBe('live');
    });
  });

  it('on stale_session STARTs again and repeats the command in the new session', async () => {
    const { session, wire, recorded, thermostat } = await setUp();
    wire.linkUp();
    await pass();
    thermostat.reboot();
    session.sendSettings({ target: 19 });
    await pass();
    expect(thermostat.received.map((m) => m.type)).toEqual(['START', 'SET', 'START', 'SET']);
    expect(thermostat.settings.target).toBe(19);
    expect(recorded.pending.at(-1)).toBeNull();
    expect(recorded.failures).toEqual([]);
  });

  it('paired again with a new key for the same thermostat, STARTs under the new key with the presence and forgets what was queued under the old one', async () => {
    const { session, wire, recorded, thermostat, me, lastStatus } = await setUp({ verified: true });
    wire.linkUp();
    await pass();
    session.sendPresence({ home: false, distance: 2300 });
    await pass();
    // Set-up's "replace key": the thermostat was reset and now opens only what is sealed with its new key.
    Object.assign(thermostat, { key: makeKey() });
    thermostat.reboot();
    thermostat.members = [];
    session.sendSettings({ target: 19 });
    await pass();
    expect(thermostat.received.map((m) => m.type)).toEqual(['START', 'HOME_set']);
    const statusesBefore = recorded.statuses.length;

    // The store forgot the queued change with the old key: the session must not send it in the new key's session.
    session.update({ id: thermostat.id, key: thermostat.key, joined: true, verified: true });
    await pass(COMMAND_TIMEOUT_MS * 2);
    expect(thermostat.received.map((m) => m.type)).toEqual(['START', 'HOME_set', 'START', 'HOME_set']);
    expect(thermostat.settings.target).not.toBe(19);
    expect(thermostat.members.find((member) => member.id === me)?.home).toBe(false);
    expect(recorded.failures).toEqual([]);
    expect(recorded.statuses.slice(statusesBefore)).toEqual(['starting', 'live']);
    expect(lastStatus()).toBe('live');
  });

  it('paired again with a new key while the broker link is down, says starting again and sends nothing queued under the old key', async () => {
    const { session, wire, recorded, thermostat } = await setUp({ verified: true });
    session.sendSettings({ target: 19 });
    expect(recorded.statuses).toEqual(['starting']);
    Object.assign(thermostat, { key: makeKey() });
    session.update({ id: thermostat.id, key: thermostat.key, joined: true, verified: true });
    // The store dropped the session's status with the old key: it hears 'starting' again.
    expect(recorded.statuses).toEqual(['starting', 'starting']);
    expect(recorded.failures).toEqual([]);
    wire.linkUp();
    await pass(COMMAND_TIMEOUT_MS * 2);
    expect(thermostat.received.map((m) => m.type)).toEqual(['START']);
    expect(wire.sentByApp('MSG')).toEqual([]);
  });

  it('repeats an unanswered command once after a new START, 5 s later', async () => {
    const { session, wire, recorded, thermostat } = await setUp();
    wire.linkUp();
    await pass();
    thermostat.dropNext = 1;
    session.sendSettings({ target: 23 });
    await pass(COMMAND_TIMEOUT_MS - 1);
    expect(thermostat.received.map((m) => m.type)).toEqual(['START', 'SET']);
    await pass(1);
    expect(thermostat.received.map((m) => m.type)).toEqual(['START', 'SET', 'START', 'SET']);
    expect(thermostat.settings.target).toBe(23);
    expect(recorded.pending.at(-1)).toBeNull();
  });

  it('keeps a change for a thermostat that stopped answering queued, not failed, and sends it once it answers again', async () => {
    const { session, wire, recorded, thermostat, lastStatus } = await setUp();
    wire.linkUp();
    await pass();
    thermostat.answering = false;
    session.sendSettings({ target: 23 });
    await pass(COMMAND_TIMEOUT_MS * 3);
    expect(lastStatus()).toBe('not-answering');
    expect(recorded.failures).toEqual([]);
    expect(recorded.pending.at(-1)).toEqual({ target: 23 });
    // A change made meanwhile joins the queue and goes out with it.
    session.sendSettings({ mode: 'away' });
    expect(recorded.pending.at(-1)).toEqual({ target: 23, mode: 'away' });
    thermostat.answering = true;
    await pass(30_000);
    expect(lastStatus()).toBe('live');
    expect(thermostat.settings).toMatchObject({ target: 23, mode: 'away' });
    expect(recorded.pending.at(-1)).toBeNull();
  });

  it('queues a change made while the thermostat is offline and sends it in the session it comes back with', async () => {
    const { session, wire, recorded, thermostat, lastStatus } = await setUp();
    wire.linkUp();
    await pass();
    wire.thermostatOnline = false;
    session.sendSettings({ target: 20 });
    await pass();
    expect(lastStatus()).toBe('thermostat-offline');
    session.sendSettings({ target: 20.5 });
    await pass(COMMAND_TIMEOUT_MS);
    expect(recorded.pending.at(-1)).toEqual({ target: 20.5 });
    expect(recorded.failures).toEqual([]);
    wire.thermostatOnline = true;
    await pass(THERMOSTAT_RETRY_MAX_MS);
    expect(lastStatus()).toBe('live');
    expect(thermostat.settings.target).toBe(20.5);
    expect(recorded.pending.at(-1)).toBeNull();
  });

  it('suspects the key when a thermostat that is online never answered it', async () => {
    const { wire, lastStatus, thermostat } = await setUp({ key: makeKey() });
    wire.linkUp();
    await pass(COMMAND_TIMEOUT_MS * 2);
    expect(thermostat.received).toEqual([]);
    expect(lastStatus()).toBe('wrong-key');
  });

  it('reports receiver_offline as thermostat offline and connects when it comes back', async () => {
    const { wire, lastStatus } = await setUp();
    wire.thermostatOnline = false;
    wire.linkUp();
    await pass();
    expect(lastStatus()).toBe('thermostat-offline');
    wire.thermostatOnline = true;
    await pass(10_000);
    expect(lastStatus()).toBe('live');
  });

  it('after the broker link dropped starts a new session with a new nonce', async () => {
    const { wire, thermostat, lastStatus } = await setUp();
    wire.linkUp();
    await pass();
    wire.linkDown();
    expect(lastStatus()).toBe('starting');
    wire.linkUp();
    await pass();
    expect(lastStatus()).toBe('live');
    const nonces = thermostat.received.filter((m) => m.type === 'START').map((m) => (m.body as { nonce: string }).nonce);
    expect(nonces).toHaveLength(2);
    expect(nonces[0]).not.toBe(nonces[1]);
  });

  it('reports the thermostat refusing a value, and drops the pending value', async () => {
    const { session, recorded, thermostat, wire, me } = await setUp();
    wire.linkUp();
    await pass();
    thermostat.answering = false;
    session.sendSettings({ target: 29.5 });
    wire.push(thermostat.stateTo(me, { error: 'out_of_range' }));
    await pass();
    expect(recorded.failures).toEqual(['out_of_range']);
    expect(recorded.pending.at(-1)).toBeNull();
  });

  it('takes a change the thermostat could not store yet as made, not as failed, and passes the STATE on', async () => {
    const { session, recorded, thermostat, wire, me } = await setUp();
    wire.linkUp();
    await pass();
    thermostat.answering = false;
    session.sendSettings({ target: 22 });
    wire.push(thermostat.stateTo(me, { target: 22, error: 'storage' }));
    await pass();
    expect(recorded.states.at(-1)).toMatchObject({ target: 22, error: 'storage' });
    expect(recorded.pending.at(-1)).toBeNull();
    // The thermostat retries the write itself: the app neither repeats the SET nor reports it unanswered.
    await pass(COMMAND_TIMEOUT_MS * 3);
    expect(recorded.failures).toEqual([]);
    expect(thermostat.received.filter((m) => m.type === 'SET')).toHaveLength(1);
  });

  it('sends a START the broker dropped for a busy thermostat again after a short backoff, long before the START timeout', async () => {
    const { wire, thermostat, lastStatus, recorded } = await setUp();
    wire.busyFor.set('START', 2);
    wire.linkUp();
    await pass();
    expect(thermostat.received).toEqual([]);
    expect(lastStatus()).toBe('starting');
    // With random() at 0.5 the backoff is 750 ms, then 1500 ms; an unanswered START waits 5 s.
    await pass(750);
    expect(wire.sentByApp('START')).toHaveLength(2);
    await pass(1500);
    expect(wire.sentByApp('START')).toHaveLength(3);
    expect(thermostat.received.map((m) => m.type)).toEqual(['START']);
    expect(lastStatus()).toBe('live');
    expect(recorded.statuses).not.toContain('not-answering');
  });

  it('sends a command the broker dropped for a busy thermostat again after a short backoff, in the same session', async () => {
    const { session, wire, thermostat, recorded } = await setUp();
    wire.linkUp();
    await pass();
    wire.busyFor.set('MSG', 1);
    session.sendSettings({ target: 22 });
    await pass();
    expect(thermostat.received.map((m) => m.type)).toEqual(['START']);
    await pass(750);
    expect(thermostat.received.map((m) => m.type)).toEqual(['START', 'SET']);
    expect(thermostat.settings.target).toBe(22);
    expect(recorded.pending.at(-1)).toBeNull();
    expect(recorded.failures).toEqual([]);
  });

  it('a busy thermostat that then goes offline is asked again only after the offline backoff', async () => {
    const { session, wire, thermostat, lastStatus } = await setUp();
    wire.linkUp();
    await pass();
    wire.busyFor.set('MSG', 1);
    session.sendSettings({ target: 22 });
    await pass();
    expect(thermostat.received.map((m) => m.type)).toEqual(['START']);
    // The resend waits 750 ms; meanwhile the thermostat drops off the broker.
    wire.thermostatOnline = false;
    session.sendSettings({ target: 22.5 });
    await pass();
    expect(lastStatus()).toBe('thermostat-offline');
    // With random() at 0.5 the offline backoff is 1500 ms: the busy resend must not START before it.
    await pass(1499);
    expect(wire.sentByApp('START')).toHaveLength(1);
    await pass(1);
    expect(wire.sentByApp('START')).toHaveLength(2);
  });

  describe('the clock, boost, hold and away-until', () => {
    const T0 = Date.UTC(2026, 11, 2, 8, 0, 0) / 1000;
    const setBodies = (thermostat: TestThermostat) => thermostat.received.filter((m) => m.type === 'SET').map((m) => m.body);

    beforeEach(() => {
      vi.setSystemTime(T0 * 1000);
    });

    it('puts its clock in every SET, a repeated one included, in whole seconds', async () => {
      const { session, wire, thermostat } = await setUp();
      wire.linkUp();
      await pass();
      vi.setSystemTime(T0 * 1000 + 1999);
      thermostat.dropNext = 1;
      session.sendSettings({ target: 21.5 });
      await pass(COMMAND_TIMEOUT_MS);
      expect(setBodies(thermostat)).toEqual([
        { type: 'SET', session: expect.any(String), seq: 2, target: 21.5, time: T0 + 1 },
        { type: 'SET', session: expect.any(String), seq: 2, target: 21.5, time: T0 + 6 },
      ]);
      expect(thermostat.clock).toMatchObject({ time: T0 + 6, source: 'app' });
    });

    it('leaves its clock out when it lies outside the contract’s range, and says the thermostat refused an override for want of one', async () => {
      vi.setSystemTime(new Date('2001-01-01T00:00:00.000Z'));
      const { session, wire, thermostat, recorded } = await setUp();
      wire.linkUp();
      await pass();
      session.sendSettings({ boost: { setpoint: 23, minutes: 60 } });
      await pass();
      expect(setBodies(thermostat)).toEqual([{ type: 'SET', session: expect.any(String), seq: 2, boost: { setpoint: 23, minutes: 60 } }]);
      expect(recorded.states.at(-1)?.error).toBe('no_clock');
      expect(recorded.failures).toEqual(['no_clock']);
      expect(recorded.pending.at(-1)).toBeNull();
      expect(thermostat.boost).toBeNull();
    });

    it('shows a boost pending until a STATE shows it running at its set point', async () => {
      const { session, thermostat, recorded, wire, me } = await setUp();
      wire.linkUp();
      await pass();
      thermostat.answering = false;
      session.sendSettings({ boost: { setpoint: 23, minutes: 90 } });
      await pass();
      expect(setBodies(thermostat)).toEqual([{ type: 'SET', session: expect.any(String), seq: 2, boost: { setpoint: 23, minutes: 90 }, time: T0 }]);
      expect(recorded.pending.at(-1)).toEqual({ boost: { setpoint: 23, minutes: 90 } });
      // A push from before the SET was taken: still pending.
      wire.push(thermostat.stateTo(me, { boost: null }));
      await pass();
      expect(recorded.pending.at(-1)).toEqual({ boost: { setpoint: 23, minutes: 90 } });
      wire.push(thermostat.stateTo(me, { time: T0, clock: 'app', boost: { setpoint: 23, until: T0 + 5400 } }));
      await pass();
      expect(recorded.pending.at(-1)).toBeNull();
      expect(recorded.failures).toEqual([]);
    });

    it('confirms an away-until by its moment and warm-up, a hold by its set point, and their ends by null', async () => {
      const { session, wire, thermostat, recorded } = await setUp();
      wire.linkUp();
      await pass();
      const awayUntil = { until: T0 + 3 * 86_400, preheat_minutes: 60 };
      session.sendSettings({ away_until: awayUntil });
      await pass();
      expect(recorded.pending.at(-1)).toBeNull();
      expect(recorded.states.at(-1)?.away_until).toEqual(awayUntil);
      session.sendSettings({ manual: 22.5 });
      await pass();
      expect(recorded.pending.at(-1)).toBeNull();
      expect(recorded.states.at(-1)).toMatchObject({ manual: { setpoint: 22.5, until: null }, setpoint: 22.5, setpoint_source: 'manual' });
      session.sendSettings({ manual: null, away_until: null });
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
      const { session, wire, thermostat, recorded } = await setUp();
      wire.linkUp();
      await pass();
      session.sendSettings({ manual: 22 });
      session.sendSettings(ending);
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
      const { session, thermostat, recorded, wire, me } = await setUp();
      thermostat.setClock(T0);
      wire.linkUp();
      await pass();
      thermostat.answering = false;
      session.sendSettings({ boost: { setpoint: 23, minutes: 60 } });
      session.sendSettings({ target: 22 });
      await pass();
      // The boost was taken and a push shows it; the target's SET was lost.
      thermostat.boost = { setpoint: 23, until: T0 + 3600 };
      wire.push(thermostat.stateTo(me));
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
      const { session, wire, thermostat, recorded } = await setUp();
      thermostat.setClock(T0);
      wire.linkUp();
      await pass();
      thermostat.answering = false;
      session.sendSettings({ boost: { setpoint: 23, minutes: 60 } });
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
      const { session, wire, thermostat, recorded } = await setUp();
      thermostat.setClock(T0);
      wire.linkUp();
      await pass();
      thermostat.reboot();
      session.sendSettings({ boost: { setpoint: 23, minutes: 60 } });
      await pass();
      expect(thermostat.received.map((m) => m.type)).toEqual(['START', 'SET', 'START', 'SET']);
      expect(thermostat.boost).toEqual({ setpoint: 23, until: T0 + 3600 });
      expect(recorded.pending.at(-1)).toBeNull();
    });

    it('reports an away-until the thermostat refused as out of range, and drops it', async () => {
      const { session, recorded, thermostat, wire, me } = await setUp();
      wire.linkUp();
      await pass();
      thermostat.answering = false;
      session.sendSettings({ away_until: { until: T0 + 60, preheat_minutes: 0 } });
      wire.push(thermostat.stateTo(me, { error: 'out_of_range' }));
      await pass();
      expect(recorded.failures).toEqual(['out_of_range']);
      expect(recorded.pending.at(-1)).toBeNull();
    });
  });
});
