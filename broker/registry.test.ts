import { describe, expect, it } from 'vitest';
import { MemoryRegistry } from './registry.ts';

const id = 'AAAAAAAAAAAAAAAAAAAAAA';

describe('MemoryRegistry', () => {
  it('bind returns the connection it replaced, and not the same one twice', () => {
    const registry = new MemoryRegistry<string>();
    expect(registry.bind(id, 'old')).toBeUndefined();
    expect(registry.bind(id, 'old')).toBeUndefined();
    expect(registry.bind(id, 'new')).toBe('old');
    expect(registry.lookup(id)).toBe('new');
    expect(registry.loggedOnCount).toBe(1);
  });

  it('an old connection cannot unbind a newer binding', () => {
    const registry = new MemoryRegistry<string>();
    registry.bind(id, 'old');
    registry.bind(id, 'new');
    expect(registry.unbind(id, 'old')).toBe(false);
    expect(registry.lookup(id)).toBe('new');
    expect(registry.unbind(id, 'new')).toBe(true);
    expect(registry.lookup(id)).toBeUndefined();
  });

  it('keeps themes such as __proto__ apart from object internals and forgets empty themes', () => {
    const registry = new MemoryRegistry<string>();
    expect([...registry.subscribers('__proto__')]).toEqual([]);
    expect([...registry.subscribers('constructor')]).toEqual([]);
    registry.subscribe('__proto__', 'a');
    registry.subscribe('__proto__', 'b');
    expect([...registry.subscribers('__proto__')]).toEqual(['a', 'b']);
    registry.unsubscribe('__proto__', 'a');
    registry.unsubscribe('__proto__', 'b');
    registry.unsubscribe('never', 'a');
    expect(registry.themeCount).toBe(0);
  });
});
