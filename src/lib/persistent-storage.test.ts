import { afterEach, describe, expect, it, vi } from 'vitest';
import { askToPersistStorage, PERSIST_ASK_AGAIN_MS, PERSIST_ASKED_KEY, persistOutcome } from './persistent-storage';

afterEach(() => localStorage.clear());

const NOW = 1_800_000_000_000;

describe('askToPersistStorage', () => {
  it('asks the browser and keeps a grant: never asked again', async () => {
    const persist = vi.fn().mockResolvedValue(true);
    expect(persistOutcome()).toBeNull();
    await expect(askToPersistStorage({ persist }, NOW)).resolves.toBe('granted');
    await expect(askToPersistStorage({ persist }, NOW + 10 * PERSIST_ASK_AGAIN_MS)).resolves.toBe('granted');
    expect(persist).toHaveBeenCalledTimes(1);
    expect(persistOutcome()).toBe('granted');
  });

  it('asks again after a refusal, at most once a week', async () => {
    const persist = vi.fn().mockResolvedValueOnce(false).mockResolvedValueOnce(true);
    await expect(askToPersistStorage({ persist }, NOW)).resolves.toBe('denied');
    await expect(askToPersistStorage({ persist }, NOW + PERSIST_ASK_AGAIN_MS - 1)).resolves.toBe('denied');
    expect(persist).toHaveBeenCalledTimes(1);
    await expect(askToPersistStorage({ persist }, NOW + PERSIST_ASK_AGAIN_MS)).resolves.toBe('granted');
    expect(persist).toHaveBeenCalledTimes(2);
  });

  it('takes a grant the browser already gave without asking, even within the week', async () => {
    await askToPersistStorage({ persist: () => Promise.resolve(false) }, NOW);
    const persist = vi.fn();
    await expect(askToPersistStorage({ persist, persisted: () => Promise.resolve(true) }, NOW + 1)).resolves.toBe('granted');
    expect(persist).not.toHaveBeenCalled();
    expect(persistOutcome()).toBe('granted');
  });

  it('settles without the API, or when it throws', async () => {
    await expect(askToPersistStorage(undefined, NOW)).resolves.toBe('unavailable');
    localStorage.clear();
    await expect(askToPersistStorage({ persist: () => Promise.reject(new Error('no')), persisted: () => Promise.reject(new Error('no')) }, NOW)).resolves.toBe(
      'unavailable',
    );
  });

  it('treats a stored value it does not know, such as the old "denied" for ever, as never asked', async () => {
    localStorage.setItem(PERSIST_ASKED_KEY, '"denied"');
    const persist = vi.fn().mockResolvedValue(true);
    await expect(askToPersistStorage({ persist }, NOW)).resolves.toBe('granted');
    expect(persist).toHaveBeenCalledTimes(1);
  });
});
