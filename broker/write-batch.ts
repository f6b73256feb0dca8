/**
 * Write coalescing (issue 13): a receiver's socket is corked at the first frame written to it in a turn of the
 * event loop and uncorked once, at that turn's check phase (setImmediate: after the I/O callbacks of this turn,
 * before any timer or the next poll). Everything written meanwhile leaves in one writev, so a busy receiver costs
 * one system call per batch; a lone frame leaves in the same turn, with no timer in between.
 *
 * Nothing is kept per socket: Node's own cork counter (writableCorked) tells whether a socket is held already,
 * and the batch holds one array of the sockets corked in this turn.
 */

/** The part of a Node Writable (a net.Socket, a TLS socket) that a batch uses. */
export interface Corkable {
  readonly writableCorked: number;
  cork(): void;
  uncork(): void;
  destroy(error?: Error): void;
}

export type Schedule = (flush: () => void) => void;

const atCheckPhase: Schedule = (flush) => {
  setImmediate(flush);
};

export class WriteBatch {
  private held: Corkable[] = [];
  /** One function per batch, not one per socket or per turn. */
  private readonly flushHeld = (): void => this.flush();

  constructor(private readonly schedule: Schedule = atCheckPhase) {}

  /**
   * Call before writing to `stream`: corks it unless it is corked already (held in this turn; ws corks only
   * inside its own synchronous sendFrame). A socket ended meanwhile was uncorked by Node's end(), and is skipped.
   */
  hold(stream: Corkable | null): void {
    if (stream === null || stream.writableCorked > 0) return;
    stream.cork();
    if (this.held.push(stream) === 1) this.schedule(this.flushHeld);
  }

  /** Uncorks every socket held; one that throws is destroyed, and the others are still sent. */
  flush(): void {
    const held = this.held;
    // A write during an uncork (a close answered synchronously) starts the next batch, not this one.
    this.held = [];
    for (const stream of held) {
      try {
        // Node's end() uncorks in full; a socket ended or destroyed since holds nothing of ours.
        if (stream.writableCorked > 0) stream.uncork();
      } catch (error) {
        stream.destroy(error instanceof Error ? error : new Error(String(error)));
      }
    }
  }

  /** Sockets corked and waiting for the flush, for tests and stats. */
  get pending(): number {
    return this.held.length;
  }
}
