/** protocol/schedule.ts held to the hand-written cases of protocol/vectors/schedule.json, which the thermostat runs too. */
import { describe, expect, it } from 'vitest';
import { heldSetpoint, nextChange } from './schedule.ts';
import { scheduleVectors } from './vectors/index.ts';

describe('the plans of protocol/vectors/schedule.json', () => {
  it.each(scheduleVectors.plans)('$name', ({ input, held, next }) => {
    expect(heldSetpoint(input)).toEqual(held);
    expect(nextChange(input)).toEqual(next);
  });

  it('covers every row with and without the clock, and both DST changes', () => {
    const names = scheduleVectors.plans.map((plan) => plan.name).join('\n');
    for (const row of [1, 2, 3, 4, 5]) {
      expect(names).toContain(`row ${row}`);
      expect(names).toMatch(new RegExp(`row ${row}[^\\n]* without the clock`));
    }
    expect(names).toContain('spring');
    expect(names).toContain('autumn');
  });
});
