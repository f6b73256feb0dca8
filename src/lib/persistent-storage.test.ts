import { afterEach, describe, expect, it, vi } from 'vitest';
import { PERSIST_ASKED_KEY, persistOutcome, persistStorageOnce } from './persistent-storage';

afterEach(() => localStorage.clear());

describe('persistStorageOnce', () => {
  it('asks the browser once and remembers the answer', async () => {
    const persist = vi.fn().mockResolvedValue(true);
    expect(persistOutcome()).toBeNull();
    await expect(persistStorageOnce({ persist })).resolves.toBe('granted');
    await expect(persistStorageOnce({ persist })).resolves.toBe('granted');
    expect(persist).toHaveBeenCalledTimes(1);
    expect(persistOutcome()).toBe('granted');
  });

  it('remembers a refusal too, and does not ask again', async () => {
    const persist = vi.fn().mockResolvedValue(false);
    await expect(persistStorageOnce({ persist })).resolves.toBe('denied');
    await persistStorageOnce({ persist });
    expect(persist).toHaveBeenCalledTimes(1);
  });

  it('settles without the API, or when it throws', async () => {
    await expect(persistStorageOnce(undefined)).resolves.toBe('unavailable');
    localStorage.clear();
    await expect(persistStorageOnce({ persist: () => Promise.reject(new Error('no')) })).resolves.toBe('unavailable');
  });

  it('treats a stored value it does not know as never asked', async () => {
    localStorage.setItem(PERSIST_ASKED_KEY, '"maybe"');
    const persist = vi.fn().mockResolvedValue(true);
    await expect(persistStorageOnce({ persist })).resolves.toBe('granted');
    expect(persist).toHaveBeenCalledTimes(1);
  });
});
