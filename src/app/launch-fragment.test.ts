import { afterEach, describe, expect, it } from 'vitest';
import { takeLaunchFragment } from './launch-fragment';

const CODE = 'Q6iTIJWV4zn_64zH2sbXMa.heDmCLojfFJ7Yc_5_3iKaddIuPY_IUa1UQn136DerAs';

afterEach(() => history.replaceState(null, '', '/'));

describe('takeLaunchFragment', () => {
  it('takes a pairing link out of the address and returns it whole', () => {
    history.replaceState(null, '', `/#pair=${CODE}&name=Hall`);
    expect(takeLaunchFragment()).toEqual({ kind: 'pair', link: `#pair=${CODE}&name=Hall` });
    expect(location.href).not.toContain(CODE);
  });

  it.each(['add', 'setup', 'rooms'] as const)('takes #%s out of the address, keeping the page, its query and its state', (kind) => {
    history.replaceState({ kept: 1 }, '', `/app/?x=1#${kind}`);
    expect(takeLaunchFragment()).toEqual({ kind });
    expect(`${location.pathname}${location.search}${location.hash}`).toBe('/app/?x=1');
    expect(history.state).toEqual({ kept: 1 });
    expect(takeLaunchFragment()).toBeNull();
  });

  it('leaves any other fragment where it is', () => {
    history.replaceState(null, '', '/#adder');
    expect(takeLaunchFragment()).toBeNull();
    expect(location.hash).toBe('#adder');
  });
});
