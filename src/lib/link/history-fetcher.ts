import { HISTORY_MAX_PAGES } from './history-pages';

/** How often an open app asks again, for the slots that have ended since and any page still missing. */
export const HISTORY_ROUND_MS = 10 * 60_000;
/** An unanswered HISTORY_get is sent once more after this long, like a command (docs/protocol.md "Sessions and replay"). */
export const HISTORY_ANSWER_TIMEOUT_MS = 5000;

export interface HistoryFetcherOptions {
  /** Sends HISTORY_get for this `from` in the current session; false when it could not go out. */
  send(from: number): boolean;
  /** The pages to ask for now, oldest first (pagesToAsk over what the store holds). */
  wanted(): number[];
  answerTimeoutMs?: number;
  roundMs?: number;
}

type Phase =
  | { kind: 'stopped' }
  | { kind: 'waiting' }
  | { kind: 'filling'; queue: number[]; sent: number; retried: boolean };

/**
 * Fetches the selected thermostat's history in one session: a fill when the session is up and every 10 minutes after,
 * each asking for the missing pages one at a time, oldest first, with at most 16 requests. A request unanswered for
 * 5 s goes out once more; unanswered again, the fill ends and the next round tries afresh.
 */
export class HistoryFetcher {
  private phase: Phase = { kind: 'stopped' };
  private roundTimer: ReturnType<typeof setTimeout> | undefined;
  private answerTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly answerTimeoutMs: number;
  private readonly roundMs: number;

  constructor(private readonly options: HistoryFetcherOptions) {
    this.answerTimeoutMs = options.answerTimeoutMs ?? HISTORY_ANSWER_TIMEOUT_MS;
    this.roundMs = options.roundMs ?? HISTORY_ROUND_MS;
  }

  /** A new session (the first, or after a reconnect or reboot): what was asked in the old one will not be answered. */
  sessionUp(): void {
    this.stop();
    this.fill();
  }

  /** The session is gone or the thermostat deselected: nothing more until the next session. */
  stop(): void {
    clearTimeout(this.roundTimer);
    clearTimeout(this.answerTimer);
    this.phase = { kind: 'stopped' };
  }

  /** Something new to ask for (the thermostat's clock became known): a fill now, unless one is under way. */
  refresh(): void {
    if (this.phase.kind === 'waiting') this.fill();
  }

  /** An accepted HISTORY for `from`: the next page goes out. */
  answered(from: number): void {
    const phase = this.phase;
    if (phase.kind !== 'filling' || phase.queue[0] !== from) return;
    clearTimeout(this.answerTimer);
    this.phase = { ...phase, queue: phase.queue.slice(1), retried: false };
    this.sendNext();
  }

  private fill(): void {
    clearTimeout(this.roundTimer);
    this.roundTimer = setTimeout(() => this.fill(), this.roundMs);
    this.phase = { kind: 'filling', queue: this.options.wanted().slice(0, HISTORY_MAX_PAGES), sent: 0, retried: false };
    this.sendNext();
  }

  private sendNext(): void {
    const phase = this.phase;
    if (phase.kind !== 'filling') return;
    const from = phase.queue[0];
    if (from === undefined || phase.sent >= HISTORY_MAX_PAGES || !this.options.send(from)) {
      this.phase = { kind: 'waiting' };
      return;
    }
    this.phase = { ...phase, sent: phase.sent + 1 };
    clearTimeout(this.answerTimer);
    this.answerTimer = setTimeout(() => this.unanswered(), this.answerTimeoutMs);
  }

  private unanswered(): void {
    const phase = this.phase;
    if (phase.kind !== 'filling') return;
    if (phase.retried) {
      this.phase = { kind: 'waiting' };
      return;
    }
    this.phase = { ...phase, retried: true };
    this.sendNext();
  }
}
