import {
  makeKey,
  makeLogonKeys,
  message,
  open,
  parseMessage,
  seal,
  start,
  toBase64url,
  heldSetpoint,
  nextChange,
  nextSwitchPoint,
  parseTimeZone,
  EMPTY_SCHEDULE,
  HISTORY_INTERVAL_S,
  HISTORY_PAGE_SLOTS,
  MAX_OWNTRACKS_MEMBERS,
  type AwayUntil,
  type Boost,
  type ClientId,
  type ClockSource,
  type HistoryMessage,
  type LogonKeys,
  type ManualHold,
  type Member,
  planInputOf,
  type RoutedPacket,
  type SetMessage,
  type Settings,
  type StateMessage,
  type WeekSchedule,
} from '@protocol';

type Unheld = Omit<StateMessage, 'setpoint' | 'setpoint_source' | 'heat_reason' | 'next'>;


/** What a thermostat holds and why for this state, as its core decides (docs/protocol.md "Which set point holds"). */
function held(state: Unheld): Pick<StateMessage, 'setpoint' | 'setpoint_source' | 'heat_reason' | 'next'> {
  const next = nextChange(planInputOf(state));
  if (!state.sensor_ok) return { setpoint: null, setpoint_source: 'none', heat_reason: 'no_reading', next };
  const { setpoint, source } = heldSetpoint(planInputOf(state));
  return { setpoint, setpoint_source: source, heat_reason: state.heater ? 'below_band' : 'above_band', next };
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Test double for the thermostat's layer 7: sessions, seq and replay rules as the contract has them. */
export class TestThermostat {
  readonly id: ClientId;
  readonly key = makeKey();
  readonly keyText = toBase64url(this.key);
  /** When false the thermostat hears but never answers: like a wrong key, or a hung device. */
  answering = true;
  /** Messages to ignore before answering again: a lost frame. */
  dropNext = 0;
  settings: Settings = { target: 21, away_target: 17, hysteresis: 0.3, mode: 'auto' };
  /** The wall clock: the UTC second it was set to, at which Date.now(), and from where; null while unknown. */
  clock: { time: number; setAt: number; source: ClockSource } | null = null;
  timeZone: string | null = null;
  schedule: WeekSchedule = EMPTY_SCHEDULE;
  manual: ManualHold | null = null;
  boost: Boost | null = null;
  awayUntil: AwayUntil | null = null;
  temperature: number | null = 20.5;
  members: Member[] = [];
  /** The OwnTracks secret and region each member's app gave it (OWNTRACKS_set). */
  readonly owntracks = new Map<ClientId, { secret: string; wtst: number }>();
  /** OWNTRACKS_sets to lose before one arrives again: a lost frame that only this kind of message meets. */
  loseOwntracksSets = 0;
  /** An error to answer every OWNTRACKS_set with, changing nothing: as a thermostat that reads it otherwise than the app wrote it. */
  owntracksRefusal: 'bad_message' | 'out_of_range' | null = null;
  /** How many members may hold a secret before an OWNTRACKS_set is answered `full`. */
  owntracksCapacity = MAX_OWNTRACKS_MEMBERS;
  /** Its history by slot start (docs/protocol.md "History"); a slot not in it was not recorded. */
  readonly history = new Map<number, { temperature: number | null; setpoint: number | null; heater_s: number }>();
  /** HISTORY_gets to lose before one is answered again. */
  loseHistoryGets = 0;
  readonly received: { type: string; seq?: number; body: unknown }[] = [];
  private readonly sessions = new Map<ClientId, { session: string; lastInSeq: number; outSeq: number }>();
  private sessionCounter = 0;

  /**
   * Without `logonKeys` the thermostat has a random ID and can only talk through a FakeBroker, which routes
   * without logons; a real broker needs the key pair (see withLogonKeys).
   */
  constructor(readonly logonKeys: LogonKeys | null = null) {
    this.id = logonKeys?.id ?? toBase64url(crypto.getRandomValues(new Uint8Array(16)));
  }

  /** A thermostat that can log on to a real broker (broker-thermostat.ts). */
  static async withLogonKeys(): Promise<TestThermostat> {
    return new TestThermostat(await makeLogonKeys());
  }

  /** Handles one packet addressed to the thermostat; returns what it sends back. */
  handle(packet: RoutedPacket): RoutedPacket[] {
    const opened = open(this.key, packet.packet_type, packet.transmitter, packet.receiver, packet.data);
    if (!opened.ok) return [];
    const parsed = parseMessage(opened.value);
    if (!parsed.ok) return [];
    const body = parsed.value;
    this.received.push({ type: body.type, ...('seq' in body ? { seq: body.seq } : {}), body });
    if (!this.answering) return [];
    if (body.type === 'OWNTRACKS_set' && this.loseOwntracksSets > 0) {
      this.loseOwntracksSets -= 1;
      return [];
    }
    if (this.dropNext > 0) {
      this.dropNext -= 1;
      return [];
    }
    const app = packet.transmitter;
    if (body.type === 'START') {
      this.sessionCounter += 1;
      const session = toBase64url(new TextEncoder().encode(`session-number-${this.sessionCounter}`));
      this.sessions.set(app, { session, lastInSeq: 0, outSeq: 0 });
      return [this.stateTo(app, { nonce: body.nonce })];
    }
    if (body.type !== 'SET' && body.type !== 'HOME_set' && body.type !== 'OWNTRACKS_set' && body.type !== 'HISTORY_get') return [];
    const current = this.sessions.get(app);
    if (current === undefined || current.session !== body.session) {
      return [message(this.id, app, seal(this.key, 'MSG', this.id, app, { type: 'ERROR', code: 'stale_session' }))];
    }
    if (body.seq <= current.lastInSeq) return [];
    current.lastInSeq = body.seq;
    if (body.type === 'HISTORY_get') {
      if (this.loseHistoryGets > 0) {
        this.loseHistoryGets -= 1;
        return [];
      }
      return [this.historyTo(app, body.from)];
    }
    if (body.type === 'SET') {
      const refusal = this.applySet(body);
      if (refusal !== null) return [this.stateTo(app, { error: refusal })];
    } else if (body.type === 'OWNTRACKS_set') {
      if (this.owntracksRefusal !== null) return [this.stateTo(app, { error: this.owntracksRefusal })];
      if (body.secret === null) this.owntracks.delete(app);
      else if (!this.owntracks.has(app) && this.owntracks.size >= this.owntracksCapacity) return [this.stateTo(app, { error: 'full' })];
      else this.owntracks.set(app, { secret: body.secret, wtst: body.wtst ?? 0 });
    } else {
      this.members = [
        ...this.members.filter((m) => m.id !== app),
        { id: app, name: 'member', home: body.home, distance: body.distance, age_s: 0, source: 'app' },
      ];
    }
    return [this.stateTo(app)];
  }

  /** The thermostat's clock now, UTC seconds, or null while unknown. */
  get time(): number | null {
    return this.clock === null ? null : this.clock.time + Math.floor((Date.now() - this.clock.setAt) / 1000);
  }

  /** Sets the clock as an SNTP answer would. */
  setClock(time: number, source: ClockSource = 'sntp'): void {
    this.clock = { time, setAt: Date.now(), source };
  }

  /** SET's steps 4 and 5 (docs/protocol.md "Messages"): the fields have been judged by parseMessage already. */
  private applySet(body: SetMessage): 'no_clock' | null {
    const { type: _type, session: _session, seq: _seq, time, time_zone, schedule, manual, boost, away_until, ...settings } = body;
    const startsOverride = typeof manual === 'number' || (boost !== undefined && boost !== null) || (away_until !== undefined && away_until !== null);
    if (startsOverride && this.clock === null && time === undefined) return 'no_clock';
    if (time !== undefined && this.clock?.source !== 'sntp') this.setClock(time, 'app');
    const endsHold = time_zone !== undefined || schedule !== undefined || settings.mode !== undefined;
    this.settings = { ...this.settings, ...settings };
    if (time_zone !== undefined) this.timeZone = time_zone;
    if (schedule !== undefined) this.schedule = schedule;
    if (endsHold) this.manual = null;
    const now = this.time ?? nowSeconds();
    if (manual !== undefined) {
      const rules = this.timeZone === null ? null : parseTimeZone(this.timeZone);
      this.manual = manual === null ? null : { setpoint: manual, until: rules === null ? null : nextSwitchPoint(this.schedule, rules, now) };
    }
    if (boost !== undefined) this.boost = boost === null ? null : { setpoint: boost.setpoint, until: now + boost.minutes * 60 };
    if (away_until !== undefined) this.awayUntil = away_until;
    return null;
  }

  /** A STATE for `app` in its current session, with the next seq: a push, or the reply to a command. */
  stateTo(app: ClientId, extra: Partial<StateMessage> = {}): RoutedPacket {
    const current = this.sessions.get(app);
    if (current === undefined) throw new Error('no session for that app');
    current.outSeq += 1;
    const state = this.stateMessage({ session: current.session, seq: current.outSeq, ...extra });
    return message(this.id, app, seal(this.key, 'MSG', this.id, app, state));
  }

  /** The HISTORY answering a HISTORY_get for `from`, in `app`'s session (docs/protocol.md "Messages"). */
  historyTo(app: ClientId, from: number, extra: Partial<HistoryMessage> = {}): RoutedPacket {
    const current = this.sessions.get(app);
    if (current === undefined) throw new Error('no session for that app');
    current.outSeq += 1;
    const history = { ...this.historyMessage(from), session: current.session, seq: current.outSeq, ...extra };
    return message(this.id, app, seal(this.key, 'MSG', this.id, app, history));
  }

  historyMessage(requested: number): HistoryMessage {
    const time = this.time;
    const from = requested - (requested % HISTORY_INTERVAL_S);
    const count = time === null || time < from ? 0 : Math.min(HISTORY_PAGE_SLOTS, Math.floor((time - from) / HISTORY_INTERVAL_S) + 1);
    const slots = Array.from({ length: count }, (_, index) => this.history.get(from + index * HISTORY_INTERVAL_S) ?? null);
    return {
      type: 'HISTORY',
      session: 'AAAAAAAAAAAAAAAAAAAAAA',
      seq: 1,
      time,
      from,
      interval_s: HISTORY_INTERVAL_S,
      temperature: slots.map((slot) => slot?.temperature ?? null),
      setpoint: slots.map((slot) => slot?.setpoint ?? null),
      heater_s: slots.map((slot) => slot?.heater_s ?? null),
    };
  }

  stateMessage(overrides: Partial<StateMessage> = {}): StateMessage {
    const time = this.time;
    // An override whose end has passed is over: STATE shows null for it.
    const running = <T extends { until: number | null }>(override: T | null) =>
      override === null || time === null || override.until === null || time < override.until ? override : null;
    const state: Unheld = {
      type: 'STATE',
      session: 'AAAAAAAAAAAAAAAAAAAAAA',
      seq: 1,
      temperature: this.temperature,
      // Without a good reading every reading is null, as the contract has it.
      humidity: this.temperature === null ? null : 40,
      pressure: this.temperature === null ? null : 1013,
      sensor_ok: this.temperature !== null,
      ...this.settings,
      regime: this.settings.mode === 'away' ? 'away' : 'home',
      heater: this.temperature !== null && this.temperature < this.settings.target,
      members: this.members,
      owntracks: [...this.owntracks.keys()],
      time,
      clock: this.clock === null ? null : this.clock.source,
      time_zone: this.timeZone,
      schedule: this.schedule,
      manual: running(this.manual),
      boost: running(this.boost),
      away_until: running(this.awayUntil),
      uptime_s: 100,
      error: null,
      ...overrides,
    };
    return { ...state, ...held(state), ...overrides };
  }

  /** Forgets every session, as after a reboot. */
  reboot(): void {
    this.sessions.clear();
  }

  /** A START-shaped packet from the thermostat: not something it sends, but something a forger might. */
  forgedStart(app: ClientId): RoutedPacket {
    return start(this.id, app, seal(this.key, 'START', this.id, app, { type: 'START', name: 'x', nonce: 'AAAAAAAAAAAAAAAAAAAAAA' }));
  }
}
