import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HISTORY_ANSWER_TIMEOUT_MS, HISTORY_ROUND_MS, HistoryFetcher } from './history-fetcher';

const PAGE = 43_200;
const froms = (count: number) => Array.from({ length: count }, (_, index) => 1_795_564_800 + index * PAGE);

function fetcher(wanted: () => number[], answering = true) {
  const sent: number[] = [];
  const fetch: HistoryFetcher = new HistoryFetcher({
    send: (from) => {
      sent.push(from);
      if (answering) queueMicrotask(() => fetch.answered(from));
      return true;
    },
    wanted,
  });
  return { fetch, sent };
}

describe('HistoryFetcher', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('asks for the wanted pages one at a time, oldest first, each after the answer to the one before', async () => {
    const { fetch, sent } = fetcher(() => froms(3), false);
    fetch.sessionUp();
    expect(sent).toEqual(froms(1));
    fetch.answered(froms(3)[1] ?? 0); // not the page in flight: changes nothing
    expect(sent).toEqual(froms(1));
    fetch.answered(froms(3)[0] ?? 0);
    fetch.answered(froms(3)[1] ?? 0);
    expect(sent).toEqual(froms(3));
    await vi.advanceTimersByTimeAsync(HISTORY_ANSWER_TIMEOUT_MS * 4);
    expect(sent).toHaveLength(4); // the third, unanswered, once more; then nothing until the next round
  });

  it('never sends more than 16 requests in a fill, even when more are wanted', async () => {
    const { fetch, sent } = fetcher(() => froms(20));
    fetch.sessionUp();
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual(froms(16));
  });

  it('counts a request sent again among the 16', async () => {
    const sent: number[] = [];
    let lose = 1;
    const fetch: HistoryFetcher = new HistoryFetcher({
      send: (from) => {
        sent.push(from);
        if (lose > 0) lose -= 1;
        else queueMicrotask(() => fetch.answered(from));
        return true;
      },
      wanted: () => froms(16),
    });
    fetch.sessionUp();
    await vi.advanceTimersByTimeAsync(HISTORY_ANSWER_TIMEOUT_MS);
    expect(sent).toEqual([...froms(1), ...froms(15)]);
  });

  it('sends an unanswered request once more after 5 s, then waits for the next 10-minute round', async () => {
    const { fetch, sent } = fetcher(() => froms(2), false);
    fetch.sessionUp();
    await vi.advanceTimersByTimeAsync(HISTORY_ANSWER_TIMEOUT_MS - 1);
    expect(sent).toEqual(froms(1));
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toEqual([...froms(1), ...froms(1)]);
    await vi.advanceTimersByTimeAsync(HISTORY_ROUND_MS - HISTORY_ANSWER_TIMEOUT_MS - 1);
    expect(sent).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toHaveLength(3);
    expect(sent[2]).toBe(froms(1)[0]);
  });

  it('asks again every 10 minutes for what is wanted then, and afresh when a new session comes up', async () => {
    let wanted = froms(2);
    const { fetch, sent } = fetcher(() => wanted);
    fetch.sessionUp();
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual(froms(2));
    wanted = froms(2).slice(1); // the first became final; the second is still in progress
    await vi.advanceTimersByTimeAsync(HISTORY_ROUND_MS);
    expect(sent).toEqual([...froms(2), ...wanted]);
    fetch.sessionUp();
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual([...froms(2), ...wanted, ...wanted]);
  });

  it('sends nothing once stopped, and stops a fill when a request cannot go out', async () => {
    const sent: number[] = [];
    const fetch = new HistoryFetcher({ send: (from) => (sent.push(from), false), wanted: () => froms(3) });
    fetch.sessionUp();
    await vi.advanceTimersByTimeAsync(HISTORY_ANSWER_TIMEOUT_MS * 3);
    expect(sent).toEqual(froms(1));
    fetch.stop();
    await vi.advanceTimersByTimeAsync(HISTORY_ROUND_MS * 3);
    expect(sent).toEqual(froms(1));
  });
});
