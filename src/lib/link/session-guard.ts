import { randomBytes } from '@noble/ciphers/utils.js';
import { toBase64url, type StateMessage } from '@protocol';

const NONCE_BYTES = 16;

export type StateVerdict = 'current-session' | 'new-session' | 'rejected';

/**
 * The contract's replay rules for one app-to-thermostat session: a STATE is accepted only with the
 * current session and a greater seq, or with a new session and the nonce of our latest START.
 */
export class SessionGuard {
  private session: string | null = null;
  private lastInSeq = 0;
  private lastOutSeq = 0;
  private latestNonce: string | null = null;

  get currentSession(): string | null {
    return this.session;
  }

  /** A fresh nonce for a new START; the current session stays usable until a new one is accepted. */
  newStart(): string {
    this.latestNonce = toBase64url(randomBytes(NONCE_BYTES));
    return this.latestNonce;
  }

  check(state: Pick<StateMessage, 'session' | 'seq' | 'nonce'>): StateVerdict {
    if (this.session !== null && state.session === this.session) {
      if (state.seq <= this.lastInSeq) return 'rejected';
      this.lastInSeq = state.seq;
      return 'current-session';
    }
    if (this.latestNonce !== null && state.nonce === this.latestNonce) {
      this.session = state.session;
      this.lastInSeq = state.seq;
      // START is our first message of the session, so commands count on from it.
      this.lastOutSeq = 1;
      this.latestNonce = null;
      return 'new-session';
    }
    return 'rejected';
  }

  /** The session and seq for our next command, or null before any session was accepted. */
  next(): { session: string; seq: number } | null {
    if (this.session === null) return null;
    this.lastOutSeq += 1;
    return { session: this.session, seq: this.lastOutSeq };
  }

  /** After a stale_session the thermostat no longer knows our session; only a new START helps. */
  forget(): void {
    this.session = null;
    this.lastInSeq = 0;
    this.lastOutSeq = 0;
  }

  reset(): void {
    this.forget();
    this.latestNonce = null;
  }
}
