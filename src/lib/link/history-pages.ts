import { HISTORY_DAYS, HISTORY_INTERVAL_S, HISTORY_PAGE_SLOTS, MIN_TIME_S, type HistoryMessage } from '@protocol';

/** docs/protocol.md "History": 12 hours a page, and pages that start on UTC midnight or noon hold 8 UTC days in 16. */
export const HISTORY_PAGE_S = HISTORY_INTERVAL_S * HISTORY_PAGE_SLOTS;
const DAY_S = 86_400;
export const HISTORY_MAX_PAGES = (HISTORY_DAYS * DAY_S) / HISTORY_PAGE_S;

/** A page the thermostat answered, as the app keeps it: entry `i` is the slot from `from + 600·i`. */
export interface HistoryPage {
  from: number;
  /** The thermostat's clock when it answered: the slots at or after it were not over yet. */
  time: number;
  /** When this app received it, ms since the epoch. */
  receivedAt: number;
  temperature: readonly (number | null)[];
  setpoint: readonly (number | null)[];
  heater_s: readonly (number | null)[];
}

/** The pages of one thermostat, by `from`. */
export type HistoryPages = Readonly<Record<number, HistoryPage>>;

/** The thermostat's clock now, from the last STATE and the time since it came; null while it does not know the time. */
export function thermostatClock(last: { state: { time: number | null }; receivedAt: number } | undefined, nowMs: number): number | null {
  if (last === undefined || last.state.time === null) return null;
  return last.state.time + Math.max(0, Math.floor((nowMs - last.receivedAt) / 1000));
}

/** The first second the thermostat keeps: the UTC day in progress and the 7 before it. */
export const historyStart = (thermostatNow: number): number => Math.floor(thermostatNow / DAY_S) * DAY_S - (HISTORY_DAYS - 1) * DAY_S;

/** A page is final once the thermostat answered it after its last slot ended; until then it is asked again. */
export const isPageFinal = (page: HistoryPage): boolean => page.time >= page.from + HISTORY_PAGE_S;

/**
 * The `from`s to ask for, oldest first: every page of the thermostat's 8 days, up to the one its clock is in, that
 * this app has not got final. At most 16; none before the earliest `from` HISTORY_get allows (it would be refused).
 */
export function pagesToAsk(thermostatNow: number, pages: HistoryPages): number[] {
  const wanted: number[] = [];
  for (let from = historyStart(thermostatNow); from <= thermostatNow && wanted.length < HISTORY_MAX_PAGES; from += HISTORY_PAGE_S) {
    const page = pages[from];
    if (from >= MIN_TIME_S && (page === undefined || !isPageFinal(page))) wanted.push(from);
  }
  return wanted;
}

/**
 * A HISTORY as a page to keep, or null when it holds nothing to keep: the thermostat did not know the time, or the
 * `from` is not one of the page starts this app asks for (it cannot be merged with them slot for slot).
 */
export function pageOf(message: HistoryMessage, receivedAt: number): HistoryPage | null {
  if (message.time === null || message.from % HISTORY_PAGE_S !== 0) return null;
  return { from: message.from, time: message.time, receivedAt, temperature: message.temperature, setpoint: message.setpoint, heater_s: message.heater_s };
}

/** A slot the thermostat recorded: `heater_s` is null only when nothing was (docs/protocol.md "Messages", HISTORY). */
export const isRecorded = (page: HistoryPage, index: number): boolean => (page.heater_s[index] ?? null) !== null;

/**
 * The newer answer for a page wins slot by slot where it recorded the slot; a slot it no longer has (lost with the
 * last hour before a power cut) keeps what an earlier answer said, since that was the thermostat's own record.
 */
export function mergePages(older: HistoryPage | undefined, newer: HistoryPage): HistoryPage {
  if (older === undefined || older.from !== newer.from) return newer;
  const length = Math.max(older.heater_s.length, newer.heater_s.length);
  const pick = <T,>(index: number, list: (page: HistoryPage) => readonly T[]): T | null => {
    const source = isRecorded(newer, index) || !isRecorded(older, index) ? newer : older;
    return list(source)[index] ?? null;
  };
  const indices = Array.from({ length }, (_, index) => index);
  return {
    from: newer.from,
    time: newer.time,
    receivedAt: newer.receivedAt,
    temperature: indices.map((index) => pick(index, (page) => page.temperature)),
    setpoint: indices.map((index) => pick(index, (page) => page.setpoint)),
    heater_s: indices.map((index) => pick(index, (page) => page.heater_s)),
  };
}
