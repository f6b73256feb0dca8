import { describe, expect, it } from 'vitest';
import type { StateMessage } from '@protocol';
import { OwntracksHandover } from './owntracks-handover';

const ME = 'AnaAnaAnaAnaAnaAnaAnaA';
const OLD = { secret: 'q3FhJ0xQ8mCk3oM1v5Zr2yN7tB4wE6uA', wtst: 7 };
const NEW = { secret: 'Zr2yN7tB4wE6uAq3FhJ0xQ8mCk3oM1v5', wtst: 7 };
const S1 = 'c2Vzc2lvbi1udW1iZXItMQ';
const S2 = 'c2Vzc2lvbi1udW1iZXItMg';

/** Only what the hand-over reads of a STATE. */
const state = (session: string, listed: boolean, error: StateMessage['error'] = null) =>
  ({ session, owntracks: listed ? [ME] : [], error }) as unknown as StateMessage;

describe('one thermostat’s OwnTracks hand-over', () => {
  it('a thermostat that holds the old secret forgets it first; only a STATE without the member, then one with it, confirm the new one', () => {
    const handover = new OwntracksHandover(ME, OLD, 'holds', { session: S1, listed: true });
    handover.retarget(NEW, undefined);
    expect(handover.bodyFor(S1)).toEqual({ type: 'OWNTRACKS_set', secret: null });
    handover.sent(S1);
    // The answer to something else (a HOME_set), still listing the member with the old secret: no answer.
    expect(handover.read(state(S1, true))).toEqual({ send: false });
    expect(handover.state).toBe('clearing');
    // A STATE in another session answers nothing either.
    expect(handover.read(state(S2, false))).toEqual({ send: false });
    expect(handover.read(state(S1, false))).toEqual({ send: true });
    expect(handover.bodyFor(S1)).toEqual({ type: 'OWNTRACKS_set', ...NEW });
    handover.sent(S1);
    expect(handover.read(state(S1, false))).toEqual({ send: false });
    expect(handover.read(state(S1, true))).toEqual({ send: false, answer: 'holds' });
    expect(handover.pending()).toBe(false);
  });

  it('a thermostat seen without the member gets the secret at once; a new region with the same secret goes straight in too', () => {
    const handover = new OwntracksHandover(ME, OLD, undefined, { session: S1, listed: false });
    expect(handover.bodyFor(S1)).toEqual({ type: 'OWNTRACKS_set', ...OLD });
    handover.sent(S1);
    expect(handover.read(state(S1, true))).toEqual({ send: false, answer: 'holds' });
    handover.retarget({ ...OLD, wtst: 8 }, undefined);
    expect(handover.bodyFor(S1)).toEqual({ type: 'OWNTRACKS_set', ...OLD, wtst: 8 });
  });

  it('waits for a STATE of the session before deciding', () => {
    const handover = new OwntracksHandover(ME, NEW, undefined, { session: S1, listed: true });
    expect(handover.bodyFor(S2)).toBeNull();
    expect(handover.read(state(S2, false))).toEqual({ send: true });
    expect(handover.bodyFor(S2)).toEqual({ type: 'OWNTRACKS_set', ...NEW });
  });

  it('another secret still on its way is cleared first, whatever the last STATE said', () => {
    const handover = new OwntracksHandover(ME, OLD, undefined, { session: S1, listed: false });
    handover.bodyFor(S1);
    handover.sent(S1);
    handover.retarget(NEW, undefined);
    expect(handover.bodyFor(S1)).toEqual({ type: 'OWNTRACKS_set', secret: null });
  });

  it.each(['full', 'bad_message', 'out_of_range'] as const)('takes %s in the session the secret went out in as a final refusal', (error) => {
    const handover = new OwntracksHandover(ME, NEW, undefined, { session: S1, listed: false });
    handover.bodyFor(S1);
    handover.sent(S1);
    expect(handover.read(state(S1, false, error))).toEqual({ send: false, answer: error });
    expect(handover.bodyFor(S1)).toBeNull();
  });

  it('a thermostat that loses the secret it confirmed (a factory reset) gets it again, straight in', () => {
    const handover = new OwntracksHandover(ME, NEW, 'holds');
    expect(handover.read(state(S1, false))).toEqual({ send: true, answer: null });
    expect(handover.bodyFor(S1)).toEqual({ type: 'OWNTRACKS_set', ...NEW });
  });

  it('turned off: secret null until a STATE in its session omits the member', () => {
    const handover = new OwntracksHandover(ME, NEW, 'holds', { session: S1, listed: true });
    handover.retarget({ secret: null, wtst: 7 }, undefined);
    expect(handover.bodyFor(S1)).toEqual({ type: 'OWNTRACKS_set', secret: null });
    handover.sent(S1);
    expect(handover.read(state(S1, true))).toEqual({ send: false });
    expect(handover.read(state(S1, false))).toEqual({ send: false, answer: 'forgot' });
  });
});
