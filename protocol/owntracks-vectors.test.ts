import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sodium from 'libsodium-wrappers';
import { beforeAll, describe, expect, it } from 'vitest';
import { field, type JsonObject } from './json.ts';
import { checkJsonObject, readJsonObject } from './json-reader.ts';
import { readRelay, relayPacket } from './relay.ts';
import { owntracksVectors, type PresenceExpectation, type PresenceMemberVector, type PresenceStepVector } from './vectors/index.ts';
import { makeOwntracksVectors } from './vectors/make-owntracks-vectors.ts';
import { openWithLibsodium, openWithNoble } from './vectors/reference-openers.ts';
import { validatedCase } from './vectors/validated-case.ts';

beforeAll(async () => {
  await sodium.ready;
});

describe('the owntracks_set table of protocol/vectors/owntracks.json', () => {
  it.each(owntracksVectors.owntracksSet)('$why: $result', ({ text, result, secret, wtst }) => {
    const message = validatedCase(text, result);
    if (message === null) return;
    expect(message.type).toBe('OWNTRACKS_set');
    if (message.type !== 'OWNTRACKS_set') return;
    expect(message.secret).toBe(secret);
    expect(message.wtst).toBe(wtst);
  });

  it('covers every verdict, and answers the thermostat gives without a STATE', () => {
    const results = new Set(owntracksVectors.owntracksSet.map((vector) => vector.result));
    expect([...results].sort()).toEqual(['accepted', 'bad_message', 'out_of_range']);
    const answers = new Set(owntracksVectors.owntracksSet.map((vector) => vector.thermostat));
    expect(answers).toEqual(new Set([undefined, 'stale_session', 'dropped']));
  });
});

const { presence } = owntracksVectors;
const memberById = new Map(presence.members.map((member) => [member.id, member]));
const relaySteps = presence.steps.filter((step): step is PresenceStepVector & { relay: string } => step.relay !== undefined);

/** The frame as the thermostat reads it ("RELAY"), which must take it; written as the broker writes it, in the contract's key order. */
function relayFields(frame: string): { member: string; data: string } {
  const relay = readRelay(frame, presence.thermostat);
  if (relay === null) throw new Error(`the thermostat would drop ${frame}`);
  expect(frame).toBe(JSON.stringify(relayPacket(presence.thermostat, relay.member, relay.data)));
  return relay;
}

describe('the presence scenario of protocol/vectors/owntracks.json: its bodies', () => {
  it.each(relaySteps)('$why: the frame is a RELAY for the thermostat, and its data opens (libsodium, @noble/ciphers) to exactly its plaintext', (step) => {
    const { member, data } = relayFields(step.relay);
    const sender = memberById.get(member);
    if (sender === undefined) return expect.fail(`unknown member ${member}`);
    if (!sender.registered) {
      expect(step.plaintext).toBeNull();
      return;
    }
    expect(openWithLibsodium(sender.secret, data)).toBe(step.plaintext);
    expect(openWithNoble(sender.secret, data)).toBe(step.plaintext);
  });

  it('holds iOS- and Android-shaped transitions and locations, each one JSON object under the JSON rules', () => {
    const shapes = new Set<string>();
    for (const step of relaySteps) {
      if (step.plaintext === null || step.plaintext === undefined) continue;
      expect(checkJsonObject(step.plaintext)).toBeNull();
      const body = readJsonObject(step.plaintext);
      if (!body.ok) return expect.fail(body.message);
      const sender = memberById.get(relayFields(step.relay).member);
      const type = field(body.value, '_type');
      if (sender === undefined) return expect.fail('unknown member');
      const tst = field(body.value, 'tst');
      const createdAt = field(body.value, 'created_at');
      if (sender.platform === 'ios' && typeof tst === 'number' && (type === 'transition' || type === 'location')) {
        // iOS stamps created_at only when it differs from the fix's tst by more than a second.
        if (createdAt !== undefined) expect(Math.abs(Number(createdAt) - tst)).toBeGreaterThan(1);
        shapes.add(`ios ${type} ${createdAt === undefined ? 'without' : 'with'} created_at`);
      }
      if (type === 'transition' && tst !== undefined) {
        // iOS sends its region id (SHA-1 of "<name>-<wtst>"); Android no region id, but a random _id.
        if (sender.platform === 'ios') {
          const rid = createHash('sha1').update(`${presence.region}-${String(field(body.value, 'wtst'))}`).digest('hex').slice(0, 6);
          expect(body.value).toMatchObject({ rid, t: 'c' });
        } else expect(Object.keys(body.value)).toEqual(['_type', 'topic', 'qos', '_id', 'event', 'desc', 'tid', 't', 'tst', 'wtst', 'acc', 'lon', 'lat']);
        expect(body.value).toMatchObject({ desc: presence.region, tid: sender.tid });
      }
      if (type === 'location') {
        expect(body.value).toMatchObject({ tst: expect.any(Number), tid: sender.tid });
        // Android sends inregions as a list, empty outside every region; iOS 18.3 and later too, with inrids beside
        // it, while earlier iOS left both out when empty.
        const inregions = field(body.value, 'inregions');
        if (sender.platform === 'android') expect(Array.isArray(inregions)).toBe(true);
        else {
          expect(Array.isArray(field(body.value, 'inrids'))).toBe(inregions !== undefined);
          shapes.add(`ios location ${inregions === undefined ? 'without inregions' : Array.isArray(inregions) && inregions.length === 0 ? 'with inregions []' : 'in a region'}`);
        }
      }
      shapes.add(`${sender.platform} ${String(type)}`);
    }
    expect([...shapes].sort()).toEqual([
      'android location',
      'android transition',
      'ios location',
      'ios location in a region',
      'ios location with created_at',
      'ios location with inregions []',
      'ios location without created_at',
      'ios location without inregions',
      'ios transition',
      'ios transition with created_at',
      'ios transition without created_at',
      'ios waypoint',
    ]);
  });

  it('refuses bodies of every kind: another key, plaintext, not base64, too short, a member without a secret', () => {
    const refused = relaySteps.filter((step) => step.plaintext === null);
    expect(refused.length).toBeGreaterThanOrEqual(5);
    const plaintextBody = refused.find((step) => {
      const decoded = Buffer.from(relayFields(step.relay).data, 'base64').toString('utf8');
      return decoded.startsWith('{"_type":"transition"');
    });
    expect(plaintextBody).toBeDefined();
  });

  it('is what make-owntracks-vectors.ts writes, byte for byte', async () => {
    const file = readFileSync(fileURLToPath(new URL('./vectors/owntracks.json', import.meta.url)), 'utf8');
    expect(await makeOwntracksVectors()).toBe(file);
  });
});

/**
 * The rules of "What the thermostat accepts" written once more, apart from the generator (which states each
 * expectation by hand): the scenario's expectations must be what these rules make of its frames.
 */
class ReferenceThermostat {
  /** The last accepted time of each _type, per member: transitions and locations are ordered apart. */
  private readonly stored = new Map<string, { transition: number; location: number }>();
  private readonly presence = new Map<string, { home: boolean; at: number }>();
  private readonly pendingLeave = new Map<string, number>();
  private regime: 'home' | 'away' = 'home';

  constructor(
    private readonly members: readonly PresenceMemberVector[],
    private readonly leaveDelayMs: number,
  ) {}

  step(step: PresenceStepVector): { expect: Record<string, PresenceExpectation>; regime: 'home' | 'away' } {
    this.matureLeaves(step.at_ms);
    if (step.reboot === true) {
      this.presence.clear();
      this.pendingLeave.clear();
    }
    if (step.relay !== undefined) this.relay(step.relay, step.at_ms);
    this.decideRegime(step.at_ms);
    return {
      expect: Object.fromEntries(
        this.members.map((member) => {
          const report = this.presence.get(member.id);
          const seen: PresenceExpectation = report === undefined ? null : { home: report.home, source: 'owntracks', age_s: Math.floor((step.at_ms - report.at) / 1000) };
          return [member.id, seen];
        }),
      ),
      regime: this.regime,
    };
  }

  private matureLeaves(now: number): void {
    for (const [id, since] of this.pendingLeave) {
      if (now - since < this.leaveDelayMs) continue;
      this.presence.set(id, { home: false, at: since });
      this.pendingLeave.delete(id);
    }
  }

  private decideRegime(now: number): void {
    const fresh = [...this.presence.values()].filter((report) => now - report.at < 12 * 3600 * 1000);
    if (fresh.some((report) => report.home)) this.regime = 'home';
    else if (fresh.length > 0) this.regime = 'away';
  }

  private relay(frame: string, now: number): void {
    const { member, data } = relayFields(frame);
    const sender = this.members.find((candidate) => candidate.id === member && candidate.registered);
    if (sender === undefined) return;
    const plaintext = openWithNoble(sender.secret, data);
    if (plaintext === null) return;
    const read = readJsonObject(plaintext);
    if (!read.ok) return;
    const body: JsonObject = read.value;
    const type = field(body, '_type');
    if (type !== 'transition' && type !== 'location') return;
    const time = field(body, 'created_at') ?? field(body, 'tst');
    if (typeof time !== 'number' || !Number.isSafeInteger(time) || time < 1) return;
    const last = this.stored.get(member) ?? { transition: 0, location: 0 };
    if (time <= last[type]) return;
    this.stored.set(member, { ...last, [type]: time });
    if (type === 'transition') {
      if (field(body, 'wtst') !== sender.wtst) return;
      const event = field(body, 'event');
      if (event === 'enter') this.arrive(member, now);
      else if (event === 'leave' && !this.pendingLeave.has(member)) this.pendingLeave.set(member, now);
      return;
    }
    const regions = field(body, 'inregions');
    // A location older than the last accepted transition cannot undo it.
    if (Array.isArray(regions) && regions.includes(presence.region) && time >= last.transition) this.arrive(member, now);
  }

  private arrive(member: string, now: number): void {
    this.presence.set(member, { home: true, at: now });
    this.pendingLeave.delete(member);
  }
}

describe('the presence scenario of protocol/vectors/owntracks.json: its expectations', () => {
  const reference = new ReferenceThermostat(presence.members, presence.leaveDelayMs);
  const outcomes = presence.steps.map((step) => ({ step, outcome: reference.step(step) }));

  it.each(outcomes)('$step.why', ({ step, outcome }) => {
    expect(outcome).toEqual({ expect: step.expect, regime: step.regime });
  });

  it('runs its steps in time order, with a leave delay of 180 s, and touches every rule', () => {
    const times = presence.steps.map((step) => step.at_ms);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(presence.leaveDelayMs).toBe(180_000);
    expect(presence.steps.some((step) => step.reboot === true)).toBe(true);
    expect(presence.steps.some((step) => step.regime === 'away')).toBe(true);
    expect(presence.members.some((member) => !member.registered)).toBe(true);
    expect(new Set(presence.members.map((member) => member.platform))).toEqual(new Set(['ios', 'android']));
    const frames = relaySteps.map((step) => step.relay);
    expect(new Set(frames).size).toBeLessThan(frames.length);
  });

  it('holds the cases the per-type replay rule exists for', () => {
    const why = presence.steps.map((step) => step.why);
    // An Android leave stamped with its fix, below a location's created_at that arrived first, still counts.
    expect(why.some((text) => text.includes('delivered 2 minutes after its fix') && text.includes('accepted'))).toBe(true);
    // A location older than the last transition does not cancel its pending leave.
    expect(why.some((text) => text.includes('does not cancel'))).toBe(true);
    // Each _type: its identical resend and its reordering refused; a transition and a location in the same second both taken.
    expect(why.filter((text) => text.includes('refused') && (text.includes('resent') || text.includes('sealed anew'))).length).toBeGreaterThanOrEqual(3);
    expect(why.some((text) => text.includes('reordered among the locations'))).toBe(true);
    expect(why.some((text) => text.includes('reordered among the transitions'))).toBe(true);
    expect(why.some((text) => text.includes('same second as the transition: accepted'))).toBe(true);
  });

});
