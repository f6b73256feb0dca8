import {
  makeKey,
  makeLogonKeys,
  message,
  open,
  parseMessage,
  seal,
  start,
  toBase64url,
  MAX_OWNTRACKS_MEMBERS,
  type ClientId,
  type LogonKeys,
  type Member,
  type RoutedPacket,
  type Settings,
  type StateMessage,
} from '@protocol';

/** What a thermostat holds and why for this state, as its core decides (docs/protocol.md "Messages", STATE). */
function held(state: Omit<StateMessage, 'setpoint' | 'setpoint_source' | 'heat_reason'>): Pick<StateMessage, 'setpoint' | 'setpoint_source' | 'heat_reason'> {
  if (!state.sensor_ok) return { setpoint: null, setpoint_source: 'none', heat_reason: 'no_reading' };
  const home = state.regime === 'home';
  return {
    setpoint: home ? state.target : state.away_target,
    setpoint_source: home ? 'comfort' : 'away',
    heat_reason: state.heater ? 'below_band' : 'above_band',
  };
}

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
    if (body.type !== 'SET' && body.type !== 'HOME_set' && body.type !== 'OWNTRACKS_set') return [];
    const current = this.sessions.get(app);
    if (current === undefined || current.session !== body.session) {
      return [message(this.id, app, seal(this.key, 'MSG', this.id, app, { type: 'ERROR', code: 'stale_session' }))];
    }
    if (body.seq <= current.lastInSeq) return [];
    current.lastInSeq = body.seq;
    if (body.type === 'SET') {
      const { type: _type, session: _session, seq: _seq, ...changes } = body;
      this.settings = { ...this.settings, ...changes };
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

  /** A STATE for `app` in its current session, with the next seq: a push, or the reply to a command. */
  stateTo(app: ClientId, extra: Partial<StateMessage> = {}): RoutedPacket {
    const current = this.sessions.get(app);
    if (current === undefined) throw new Error('no session for that app');
    current.outSeq += 1;
    const state = this.stateMessage({ session: current.session, seq: current.outSeq, ...extra });
    return message(this.id, app, seal(this.key, 'MSG', this.id, app, state));
  }

  stateMessage(overrides: Partial<StateMessage> = {}): StateMessage {
    const state: Omit<StateMessage, 'setpoint' | 'setpoint_source' | 'heat_reason'> = {
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
