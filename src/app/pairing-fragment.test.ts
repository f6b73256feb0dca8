import { afterEach, describe, expect, it } from 'vitest';
import { takePairingFragment } from './pairing-fragment';

const CODE = 'Q6iTIJWV4zn_64zH2sbXMa.heDmCLojfFJ7Yc_5_3iKaddIuPY_IUa1UQn136DerAs';

afterEach(() => history.replaceState(null, '', '/'));

describe('takePairingFragment', () => {
  it('takes the key out of the session history entry and keeps the page, its query and its state', () => {
    history.replaceState({ kept: 1 }, '', `/app/?x=1#pair=${CODE}&name=Hall`);
    expect(takePairingFragment()).toBe(`#pair=${CODE}&name=Hall`);
    expect(location.href).not.toContain('pair=');
    expect(location.href).not.toContain(CODE);
    expect(`${location.pathname}${location.search}${location.hash}`).toBe('/app/?x=1');
    expect(history.state).toEqual({ kept: 1 });
  });

  it('leaves other fragments alone', () => {
    history.replaceState(null, '', '/#setup');
    expect(takePairingFragment()).toBeNull();
    expect(location.hash).toBe('#setup');
  });
});
