import type { StateCreator } from 'zustand';
import type { ClientId, HistoryMessage } from '@protocol';
import { historyStart, mergePages, pageOf, type HistoryPage, type HistoryPages } from '@/lib/link/history-pages';
import type { AppState } from './app-store';
import { appendSample, type Sample } from './live-samples';
import { isPaired } from './paired';

export interface HistorySlice {
  /** The pages of each thermostat's own history it has answered (docs/protocol.md "History"), by `from`. */
  historyPages: Record<ClientId, HistoryPages>;
  /** An accepted HISTORY: its recorded slots replace what was kept for them. */
  receiveHistory: (thermostatId: ClientId, history: HistoryMessage, receivedAt: number) => void;
  /** Pages read back from this device's storage; a page answered since is newer and stays. */
  restoreHistoryPages: (thermostatId: ClientId, pages: readonly HistoryPage[]) => void;
  /** What this app saw of each thermostat, one sample per accepted STATE (thinned); receiveState adds to it. */
  liveSamples: Record<ClientId, Sample[]>;
  /** Samples read back from this device's storage; those seen since are newer and follow them. */
  restoreLiveSamples: (thermostatId: ClientId, samples: Sample[]) => void;
}

/** Keeps the pages of the days the thermostat still holds; older ones it no longer has, and the chart does not show. */
function withPage(pages: HistoryPages | undefined, page: HistoryPage): HistoryPages {
  const oldest = historyStart(page.time);
  const kept = Object.values(pages ?? {}).filter((other) => other.from >= oldest && other.from !== page.from);
  return Object.fromEntries([...kept, mergePages(pages?.[page.from], page)].map((p) => [p.from, p]));
}

export const createHistorySlice: StateCreator<AppState, [], [], HistorySlice> = (set) => ({
  historyPages: {},
  liveSamples: {},
  restoreLiveSamples: (thermostatId, restored) =>
    set((current) => {
      if (restored.length === 0) return {};
      const seen = current.liveSamples[thermostatId] ?? [];
      const samples = seen.reduce(appendSample, restored);
      return { liveSamples: { ...current.liveSamples, [thermostatId]: samples } };
    }),
  receiveHistory: (thermostatId, history, receivedAt) =>
    set((current) => {
      const page = pageOf(history, receivedAt);
      if (page === null || !isPaired(current, thermostatId)) return {};
      return { historyPages: { ...current.historyPages, [thermostatId]: withPage(current.historyPages[thermostatId], page) } };
    }),
  restoreHistoryPages: (thermostatId, restored) =>
    set((current) => {
      const pages = { ...current.historyPages[thermostatId] };
      for (const page of restored) {
        const here = pages[page.from];
        pages[page.from] = here === undefined ? page : here.receivedAt >= page.receivedAt ? mergePages(page, here) : mergePages(here, page);
      }
      return { historyPages: { ...current.historyPages, [thermostatId]: pages } };
    }),
});
