// Presence from OwnTracks end to end (docs/protocol.md, "Presence from OwnTracks"): a test OwnTracks phone
// (scripts/owntracks-phone.ts) POSTs to the real broker, which hands the sealed bodies to the real simulated
// thermostat; a Node app that joined with an invitation gives the thermostat the member's secret with OWNTRACKS_set
// and reads what it makes of the phone's reports from its STATEs. The simulator runs 60 times real time, and
// the 180 s a leave must stand pass at once with its `run` command (which ticks the thermostat through each
// simulated second, pushing what it pushes); every wait is for a STATE that says what the test waits for.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker } from '../../broker/integration/helpers.ts';
import { TestClient } from '../../broker/integration/client.ts';
import type { RunningBroker } from '../../broker/server.ts';
import { OwntracksPhone, type PhoneAnswer, type Platform } from '../../scripts/owntracks-phone.ts';
import { SimulatedThermostat } from '../../scripts/system/thermostat.ts';
import { joinOver } from './paired-app.ts';
import {
  makeLogonKeys,
  message,
  open,
  owntracksConfigLink,
  owntracksConfiguration,
  owntracksIngressPath,
  parseMessage,
  parsePacket,
  seal,
  start,
  toBase64url,
  type ClientId,
  type Member,
  type StateMessage,
} from '../../protocol/index.ts';

const SPEED = 60;
const LEAVE_DELAY_S = 180;
const HOME = { lat: 52.0907, lon: 5.1214 };
const WTST = 1_764_633_600;
/** Pushed STATEs come at least once a minute of simulated time (a second or three here); waits past the leave delay take longer. */
const STATE_TIMEOUT_MS = 30_000;

/** A member's app on one thermostat: its session there, and every STATE the thermostat sent it. */
class AppOnThermostat {
  private session = '';
  private seq = 1;
  private target = 20;
  private readonly waiters = new Set<(state: StateMessage) => void>();

  constructor(
    private readonly app: NodeApp,
    readonly thermostat: SimulatedThermostat,
    readonly key: Uint8Array,
  ) {}

  received(state: StateMessage): void {
    for (const waiter of [...this.waiters]) waiter(state);
  }

  /**
   * The first STATE that `matches` while the thermostat's world moves on by `duration` at once (`run`). Frames wait
   * during a run, so the thermostat first takes everything handed to it so far (barrier): a report it read only
   * after the run would come too late. The wait starts before the run, so a STATE pushed during it counts.
   */
  async after(duration: `${number}${'s' | 'm'}`, matches: (state: StateMessage) => boolean, what: string): Promise<StateMessage> {
    await this.barrier();
    const [state] = await Promise.all([this.nextState(matches, what), this.thermostat.run(duration)]);
    return state;
  }

  /** The first STATE from now on that `matches`. */
  nextState(matches: (state: StateMessage) => boolean, what: string, timeoutMs = STATE_TIMEOUT_MS): Promise<StateMessage> {
    return new Promise((resolve, reject) => {
      const seen: StateMessage[] = [];
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`no STATE ${what} within ${timeoutMs} ms; last: ${JSON.stringify(seen.at(-1))}`));
      }, timeoutMs);
      const waiter = (state: StateMessage): void => {
        seen.push(state);
        if (!matches(state)) return;
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve(state);
      };
      this.waiters.add(waiter);
    });
  }

  async start(name: string): Promise<StateMessage> {
    const nonce = toBase64url(randomBytes(16));
    const answer = this.nextState((state) => state.nonce === nonce, 'answering START');
    const id = this.app.id;
    this.app.client.send(start(id, this.thermostat.id, seal(this.key, 'START', id, this.thermostat.id, { type: 'START', name, nonce })));
    const state = await answer;
    this.session = state.session;
    this.seq = 1;
    return state;
  }

  /** Sends a SET, HOME_set or OWNTRACKS_set; resolves with the first STATE `isAnswer` recognises. */
  async command(fields: Record<string, unknown> & { type: string }, isAnswer: (state: StateMessage) => boolean): Promise<StateMessage> {
    this.seq += 1;
    const answer = this.nextState((state) => state.session === this.session && isAnswer(state), `answering ${fields.type}`);
    const id = this.app.id;
    this.app.client.send(message(id, this.thermostat.id, seal(this.key, 'MSG', id, this.thermostat.id, { session: this.session, seq: this.seq, ...fields })));
    return answer;
  }

  owntracksSet(secret: string | null, wtst = WTST): Promise<StateMessage> {
    const fields = secret === null ? { secret } : { secret, wtst };
    return this.command({ type: 'OWNTRACKS_set', ...fields }, (state) => state.owntracks.includes(this.app.id) === (secret !== null));
  }

  homeSet(home: boolean, distance: number): Promise<StateMessage> {
    return this.command({ type: 'HOME_set', home, distance }, (state) => this.member(state)?.source === 'app' && this.member(state)?.home === home);
  }

  /**
   * What the thermostat makes of everything handed to it so far. The broker has handed a body to the
   * thermostat before it answers the phone, and the thermostat takes its frames in order, so the answer to a
   * SET sent after that reflects the body. A SET that moves the target by a tenth is told from a push by it.
   */
  barrier(): Promise<StateMessage> {
    this.target = this.target === 20 ? 20.1 : 20;
    const target = this.target;
    return this.command({ type: 'SET', target }, (state) => state.target === target);
  }

  member(state: StateMessage): Member | undefined {
    return state.members.find((member) => member.id === this.app.id);
  }
}

/** A member's app: logged on to the broker, a member of each thermostat it joined with an invitation. */
class NodeApp {
  private readonly thermostats = new Map<ClientId, AppOnThermostat>();

  private constructor(readonly client: TestClient) {
    client.socket.on('message', (raw) => {
      const parsed = parsePacket(raw.toString());
      if (!parsed.ok || parsed.value.packet_type !== 'MSG') return;
      const packet = parsed.value;
      const on = this.thermostats.get(packet.transmitter);
      if (on === undefined) return;
      const opened = open(on.key, 'MSG', packet.transmitter, packet.receiver, packet.data);
      if (!opened.ok) return;
      const received = parseMessage(opened.value);
      if (received.ok && received.value.type === 'STATE') on.received(received.value);
    });
  }

  static async connect(broker: RunningBroker): Promise<NodeApp> {
    return new NodeApp(await TestClient.logOn(broker.wsUrl));
  }

  get id(): ClientId {
    return this.client.id;
  }

  async pair(thermostat: SimulatedThermostat, name: string): Promise<AppOnThermostat> {
    const key = await joinOver(this.client.socket, this.id, await thermostat.invitation(), name);
    const on = new AppOnThermostat(this, thermostat, key);
    this.thermostats.set(thermostat.id, on);
    await on.start(name);
    return on;
  }

  close(): Promise<unknown> {
    return this.client.close();
  }
}

/** 24 random bytes as base64url, as the app makes a member's secret. */
const newSecret = (): string => toBase64url(randomBytes(24));

const expectDelivered = (answers: PhoneAnswer | PhoneAnswer[]): void => {
  for (const answer of [answers].flat()) {
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(JSON.parse(answer.body)).toEqual([]);
  }
};

describe('presence from OwnTracks: a phone, the real broker and the simulated thermostat', () => {
  let broker: RunningBroker;
  const cleanups: (() => Promise<unknown> | void)[] = [];

  beforeAll(async () => {
    broker = await startTestBroker({});
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  afterAll(async () => {
    await broker?.close();
  });

  async function startThermostat(name: string, speed = SPEED): Promise<SimulatedThermostat> {
    const stateDir = mkdtempSync(join(tmpdir(), `hearth-owntracks-${name}-`));
    cleanups.push(() => rmSync(stateDir, { recursive: true, force: true }));
    // The first start may compile the simulator; start waits for the PAIR line.
    const thermostat = await SimulatedThermostat.start({ brokerWsUrl: broker.wsUrl, appUrl: 'http://localhost:8080/', stateDir, speed, name });
    cleanups.push(() => thermostat.stop());
    await thermostat.waitForOnline(0, 30_000);
    return thermostat;
  }

  async function connectApp(): Promise<NodeApp> {
    const app = await NodeApp.connect(broker);
    cleanups.push(() => app.close());
    return app;
  }

  /**
   * A member who sets OwnTracks up as the app does: a secret to every thermostat of the household with
   * OWNTRACKS_set, and the configuration link with one ingress URL naming them all, read by the phone.
   */
  async function setUpOwntracks(app: NodeApp, on: AppOnThermostat[], platform: Platform, secret = newSecret()): Promise<OwntracksPhone> {
    for (const thermostat of on) {
      const state = await thermostat.owntracksSet(secret);
      expect(state.error).toBeNull();
      expect(state.owntracks).toContain(app.id);
    }
    const url = new URL(owntracksIngressPath(app.id, on.map((thermostat) => thermostat.thermostat.id)), broker.url).href;
    const link = owntracksConfigLink(owntracksConfiguration({ url, secret, home: HOME, radius: 150, wtst: WTST, tid: 'AN' }));
    return OwntracksPhone.fromLink(link, platform);
  }

  describe.each<Platform>(['ios', 'android'])('OwnTracks for %s', (platform) => {
    it('enter makes the member home at once; leave makes it away only once it has stood 180 s; enter brings it back', async () => {
      const thermostat = await startThermostat(`owntracks-${platform}`);
      const app = await connectApp();
      const living = await app.pair(thermostat, 'Ana');
      const phone = await setUpOwntracks(app, [living], platform);
      // The app last said away: the phone's report wins over it as the newer one.
      const appSaidAway = await living.homeSet(false, 5000);
      expect(appSaidAway.regime).toBe('away');

      expectDelivered(await phone.enter());
      const home = await living.barrier();
      expect(living.member(home)).toMatchObject({ home: true, source: 'owntracks', distance: null });
      expect(living.member(home)?.age_s).toBeLessThanOrEqual(home.uptime_s - appSaidAway.uptime_s);
      expect(home).toMatchObject({ mode: 'auto', regime: 'home' });

      phone.now += 600;
      const beforeLeave = await living.barrier();
      expectDelivered(await phone.leave());
      const leavePending = await living.barrier();
      expect(living.member(leavePending)).toMatchObject({ home: true, source: 'owntracks' });
      expect(leavePending.regime).toBe('home');

      const away = await living.after('4m', (state) => living.member(state)?.home === false, 'with the member away');
      const waitedS = away.uptime_s - beforeLeave.uptime_s;
      expect(waitedS).toBeGreaterThanOrEqual(LEAVE_DELAY_S);
      expect(waitedS).toBeLessThan(LEAVE_DELAY_S + 300);
      // age_s counts from the leave's arrival, which came after beforeLeave.
      expect(living.member(away)).toMatchObject({ home: false, source: 'owntracks', distance: null });
      expect(living.member(away)?.age_s).toBeGreaterThanOrEqual(LEAVE_DELAY_S);
      expect(living.member(away)?.age_s).toBeLessThanOrEqual(waitedS);
      expect(away.regime).toBe('away');

      phone.now += 3600;
      expectDelivered(await phone.enter());
      const back = await living.barrier();
      expect(living.member(back)).toMatchObject({ home: true, source: 'owntracks' });
      expect(back.regime).toBe('home');
    }, 240_000);

    it('a resent body is answered 200 and not applied twice; an old body replayed or delivered late is refused', async () => {
      const thermostat = await startThermostat(`replay-${platform}`);
      const app = await connectApp();
      const living = await app.pair(thermostat, 'Ana');
      const phone = await setUpOwntracks(app, [living], platform);

      const enterTransition = phone.transition('enter');
      const enterLocation = phone.location(true);
      expectDelivered(await phone.post(enterTransition));
      expectDelivered(await phone.post(enterLocation));
      // This test's waits stay in real time: its phone posts a dozen bodies, which the broker's budget for strangers
      // (docs/protocol.md "Limits", 5 frames a second, burst 10) takes only at about the pace of these waits.
      const entered = await living.nextState((state) => (living.member(state)?.age_s ?? 0) >= 120, 'two minutes after the enter');
      expect(living.member(entered)).toMatchObject({ home: true, source: 'owntracks' });

      // The phone retries the location (iOS: the same bytes; Android: sealed anew). Applied again, it would
      // make the report new: age_s would start from 0.
      expectDelivered(await phone.resend());
      const afterResend = await living.barrier();
      expect(living.member(afterResend)?.age_s).toBeGreaterThanOrEqual(120);

      // A leave; then the broker (or a network that holds packets) hands over the old enter again.
      phone.now += 600;
      const beforeLeave = await living.barrier();
      expectDelivered(await phone.leave());
      expectDelivered(await phone.resend());
      expectDelivered(await phone.post(enterTransition.body));
      expectDelivered(await phone.post(enterLocation.body));
      const away = await living.nextState((state) => living.member(state)?.home === false, 'with the member away despite the replayed enter');
      expect(away.uptime_s - beforeLeave.uptime_s).toBeGreaterThanOrEqual(LEAVE_DELAY_S);
      expect(away.regime).toBe('away');

      // Out of order: an enter made before a leave arrives after it, and is refused.
      phone.now += 600;
      const earlierEnter = phone.transition('enter');
      phone.now += 60;
      const laterLeave = phone.transition('leave');
      expectDelivered(await phone.post(laterLeave));
      expectDelivered(await phone.post(earlierEnter));
      const stillAway = await living.barrier();
      expect(living.member(stillAway)).toMatchObject({ home: false, source: 'owntracks' });
      expect(stillAway.regime).toBe('away');
    }, 240_000);
  });

  it('a leave reverted within 180 s, by an enter or by a location in the region, never makes the member away', async () => {
    const thermostat = await startThermostat('reverted');
    const app = await connectApp();
    const living = await app.pair(thermostat, 'Ana');
    const phone = await setUpOwntracks(app, [living], 'android');
    expectDelivered(await phone.enter());

    // A false leave, and a minute later what reverts it; a later report, from either source, would hide a flap:
    // read past the delay with nothing else sent.
    const leaveRevertedBy = async (revert: () => Promise<PhoneAnswer>, past: string): Promise<void> => {
      phone.now += 600;
      expectDelivered(await phone.post(phone.transition('leave')));
      const leaveSent = await living.barrier();
      phone.now += 60;
      expectDelivered(await revert());
      const after = await living.after('5m', (state) => state.uptime_s >= leaveSent.uptime_s + LEAVE_DELAY_S + 60, past);
      expect(living.member(after)).toMatchObject({ home: true, source: 'owntracks' });
      expect(after.regime).toBe('home');
    };
    // A false leave indoors, then the enter.
    await leaveRevertedBy(() => phone.post(phone.transition('enter')), 'past the first delay');
    // Another false leave, and a location in the region confirms the member is home after all.
    await leaveRevertedBy(() => phone.report(true), 'past the second delay');
  }, 240_000);

  it('an Android leave stamped with its fix, older than a location sent before it, still makes the member away', async () => {
    const thermostat = await startThermostat('android-late-leave');
    const app = await connectApp();
    const living = await app.pair(thermostat, 'Ana');
    const phone = await setUpOwntracks(app, [living], 'android');
    expectDelivered(await phone.enter());
    expect(living.member(await living.barrier())).toMatchObject({ home: true, source: 'owntracks' });

    // A location in the region (created_at now), then the leave Play Services delivers late: its time is
    // the fix's tst, a few seconds below that created_at. Ordered on one clock with the location, it was refused.
    phone.now += 900;
    expectDelivered(await phone.report(true));
    const leave = phone.transition('leave');
    expect(leave.plaintext).not.toContain('created_at');
    const beforeLeave = await living.barrier();
    expectDelivered(await phone.post(leave));
    const away = await living.after('4m', (state) => living.member(state)?.home === false, 'with the member away after the late leave');
    expect(away.uptime_s - beforeLeave.uptime_s).toBeGreaterThanOrEqual(LEAVE_DELAY_S);
    expect(living.member(away)).toMatchObject({ home: false, source: 'owntracks', distance: null });
    expect(away.regime).toBe('away');
  }, 240_000);

  it('a second leave does not restart the delay; a reboot forgets the pending leave and the reports, not the replay time', async () => {
    // Slower, so that the second leave surely comes while the first is pending, and the margins are seconds.
    const thermostat = await startThermostat('reboot', 20);
    const app = await connectApp();
    const living = await app.pair(thermostat, 'Ana');
    const phone = await setUpOwntracks(app, [living], 'ios');
    const oldEnter = [phone.transition('enter'), phone.location(true)];
    for (const body of oldEnter) expectDelivered(await phone.post(body));

    phone.now += 600;
    const firstLeaveSent = await living.barrier();
    expectDelivered(await phone.post(phone.transition('leave')));
    const later = await living.after('100s', (state) => state.uptime_s >= firstLeaveSent.uptime_s + 100, '100 s after the first leave');
    phone.now += 100;
    expectDelivered(await phone.post(phone.transition('leave')));
    const away = await living.after('4m', (state) => living.member(state)?.home === false, 'with the member away');
    expect(away.uptime_s - firstLeaveSent.uptime_s).toBeGreaterThanOrEqual(LEAVE_DELAY_S);
    expect(away.uptime_s).toBeLessThan(later.uptime_s + LEAVE_DELAY_S);

    // Home again, then a leave that is still pending when the power goes.
    phone.now += 600;
    expectDelivered(await phone.enter());
    phone.now += 600;
    expectDelivered(await phone.leave());
    const since = thermostat.process.lineCount;
    await thermostat.control('reboot');
    await thermostat.waitForOnline(since, 30_000);
    const rebooted = await living.start('Ana');
    expect(rebooted.owntracks).toContain(app.id);
    expect(living.member(rebooted)).toBeUndefined();

    // The first enter, replayed after the reboot, is still older than what was accepted.
    for (const body of oldEnter) expectDelivered(await phone.post(body.body));
    const replayed = await living.barrier();
    expect(living.member(replayed)).toBeUndefined();
    const pastDelay = await living.after('5m', (state) => state.uptime_s >= replayed.uptime_s + LEAVE_DELAY_S + 60, 'past the delay');
    expect(living.member(pastDelay)).toBeUndefined();

    phone.now += 600;
    expectDelivered(await phone.enter());
    expect(living.member(await living.barrier())).toMatchObject({ home: true, source: 'owntracks' });
  }, 240_000);

  it('refuses what the member did not send: another key, a plaintext body, another region', async () => {
    const thermostat = await startThermostat('refuses');
    const app = await connectApp();
    const living = await app.pair(thermostat, 'Ana');
    const phone = await setUpOwntracks(app, [living], 'ios');
    await living.homeSet(false, 5000);
    const stillAsTheAppSaid = async (): Promise<void> => {
      const state = await living.barrier();
      expect(living.member(state)).toMatchObject({ home: false, source: 'app' });
      expect(state.regime).toBe('away');
    };

    // Sealed under another secret: the broker cannot tell (it holds none), the thermostat can.
    const stranger = await OwntracksPhone.fromConfiguration({ ...phone.configuration, encryptionKey: newSecret() }, 'ios');
    expectDelivered(await stranger.enter());
    await stillAsTheAppSaid();

    // OwnTracks with encryption off: the broker refuses it and says why, so the phone drops it.
    const plaintext = await phone.post(phone.transition('enter').plaintext);
    expect(plaintext.status).toBe(400);
    expect(JSON.parse(plaintext.body)).toEqual({ error: expect.stringMatching(/encrypt/i) });
    const notBase64 = await phone.post('{"_type":"encrypted","data":"not base64 at all!"}');
    expect(notBase64.status).toBe(400);
    await stillAsTheAppSaid();

    // The same secret, but a transition for a region the app did not configure (an older set-up's).
    const [region] = phone.configuration.waypoints;
    const elsewhere = await OwntracksPhone.fromConfiguration({ ...phone.configuration, waypoints: [{ ...region, tst: WTST - 86_400 }] }, 'ios');
    elsewhere.now = phone.now;
    expectDelivered(await elsewhere.post(elsewhere.transition('enter')));
    await stillAsTheAppSaid();

    // The member's own phone still gets through.
    phone.now += 60;
    expectDelivered(await phone.enter());
    const home = await living.barrier();
    expect(living.member(home)).toMatchObject({ home: true, source: 'owntracks' });

    // Forgotten with OWNTRACKS_set null, the secret opens nothing any more.
    await living.owntracksSet(null);
    phone.now += 600;
    expectDelivered(await phone.leave());
    const forgotten = await living.barrier();
    expect(forgotten.owntracks).not.toContain(app.id);
    expect(living.member(forgotten)).toMatchObject({ home: true, source: 'owntracks' });

    // A flood past the thermostat's budget for strangers: 503 with Retry-After, so a real phone retries
    // later; never a 4xx, on which OwnTracks would drop the message.
    const flood = await Promise.all(Array.from({ length: 16 }, () => stranger.report(true)));
    expect(flood.map((answer) => answer.status).filter((status) => status !== 200 && status !== 503)).toEqual([]);
    const refused = flood.filter((answer) => answer.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    for (const answer of refused) expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
  }, 240_000);

  it('one URL reaches every thermostat of the household; 200 while one is online, 503 once none is', async () => {
    const living = await startThermostat('living');
    const hall = await startThermostat('hall');
    const app = await connectApp();
    const onLiving = await app.pair(living, 'Ana');
    const onHall = await app.pair(hall, 'Ana');
    const phone = await setUpOwntracks(app, [onLiving, onHall], 'android');

    expectDelivered(await phone.enter());
    expect(onLiving.member(await onLiving.barrier())).toMatchObject({ home: true, source: 'owntracks' });
    expect(onHall.member(await onHall.barrier())).toMatchObject({ home: true, source: 'owntracks' });

    // The hall goes off line: the living room still hears the leave.
    await hall.stop();
    phone.now += 600;
    expectDelivered(await phone.leave());
    const away = await onLiving.after('4m', (state) => onLiving.member(state)?.home === false, 'with the member away');
    expect(away.regime).toBe('away');

    // No thermostat named is online: OwnTracks keeps the message and retries later.
    await living.stop();
    await expect.poll(() => broker.stats().loggedOn, { timeout: STATE_TIMEOUT_MS }).toBe(1);
    phone.now += 600;
    const offline = await phone.post(phone.transition('enter'));
    expect(offline.status).toBe(503);
    expect(offline.headers.get('retry-after')).toBe('60');

    // A thermostat the broker never saw is no different.
    const unknown = (await makeLogonKeys()).id;
    const nowhere = await OwntracksPhone.fromConfiguration({ ...phone.configuration, url: new URL(owntracksIngressPath(app.id, [unknown]), broker.url).href }, 'ios');
    expect((await nowhere.post(nowhere.transition('enter'))).status).toBe(503);
  }, 240_000);
});
