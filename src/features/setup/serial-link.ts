/**
 * The open serial port, held by the set-up session alone for as long as it runs. It takes the port's reader
 * and writer itself and reads in one loop: console lines go to a bounded queue, and the Improv Wi-Fi SDK gets
 * a port of its own (`improvPort`) whose streams the link feeds and drains. Web Serial refuses to close a port
 * whose streams someone holds, and the SDK keeps a writer locked for as long as a write is pending; since the
 * SDK only ever holds the link's streams, `close` can always cancel, abort and release the real ones and close
 * the port.
 *
 * Whatever is on the other end of the cable may send anything: within a phase (`limit`) at most so many bytes
 * are taken, after which the link ends as `flooded`.
 */
import { ConsoleLineReader } from './console-lines';

/** What the link needs of an open Web Serial port; the browser's SerialPort, or a test double. */
export interface OpenSerialPort {
  readonly readable: ReadableStream<Uint8Array> | null;
  readonly writable: WritableStream<Uint8Array> | null;
  close(): Promise<void>;
}

/** Why the link ended: closed by its owner, the port gone (unplugged, an error), or more bytes than a phase allows. */
export type LinkEnd = 'closed' | 'lost' | 'flooded';

/** Console lines kept while nobody waits for one; older lines are dropped first. */
export const MAX_QUEUED_LINES = 32;

/**
 * Read errors after which Web Serial hands out a new readable and the port reads on (Web Serial spec,
 * "readable" attribute): a board that resets as the port opens sends its boot noise at another speed.
 */
const RECOVERABLE_READ_ERRORS = new Set(['BreakError', 'BufferOverrunError', 'FramingError', 'ParityError']);

/**
 * Bytes written but not yet taken by the port, beyond which more are dropped: a device that stops reading
 * must not make the page queue without limit (the SDK asks for the state again every second).
 */
export const MAX_UNSENT_BYTES = 4096;

/** How long closing waits for each of the browser's steps (cancel, abort, close) before going on without it. */
const CLOSE_STEP_MS = 2000;

export class SerialLink {
  private reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  private readonly lineReader = new ConsoleLineReader();
  private readonly queue: string[] = [];
  private wakeLineWaiter: (() => void) | null = null;
  private improvController: ReadableStreamDefaultController<Uint8Array> | null = null;
  private budget: number | null = null;
  private endReason: LinkEnd | null = null;
  private resolveEnded!: (reason: LinkEnd) => void;
  private closing: Promise<void> | null = null;
  private unsentBytes = 0;
  /** Settles once, with the first reason the link ended for. */
  readonly ended: Promise<LinkEnd>;

  /** Takes the streams of an open port; null when it has none (closed, or gone already). */
  static over(port: OpenSerialPort): SerialLink | null {
    const { readable, writable } = port;
    if (readable === null || writable === null || readable.locked || writable.locked) return null;
    return new SerialLink(port, readable.getReader(), writable.getWriter());
  }

  private constructor(
    private readonly port: OpenSerialPort,
    reader: ReadableStreamDefaultReader<Uint8Array>,
    writer: WritableStreamDefaultWriter<Uint8Array>,
  ) {
    this.reader = reader;
    this.writer = writer;
    this.ended = new Promise((resolve) => {
      this.resolveEnded = resolve;
    });
    void this.pump();
  }

  get endedFor(): LinkEnd | null {
    return this.endReason;
  }

  /** From now on at most `bytes` more may arrive (null: no bound) before the link ends as flooded. */
  limit(bytes: number | null): void {
    this.budget = bytes;
  }

  /**
   * Bytes to the device, after those sent before; false when they were dropped instead: the link has ended,
   * or the device has not taken MAX_UNSENT_BYTES already. Never waits: a device that stops reading holds
   * only the port's writer, which close() aborts.
   */
  send(bytes: Uint8Array): boolean {
    if (this.endReason !== null || this.unsentBytes + bytes.byteLength > MAX_UNSENT_BYTES) return false;
    this.unsentBytes += bytes.byteLength;
    this.writer.write(bytes).then(
      () => {
        this.unsentBytes -= bytes.byteLength;
      },
      // Lost or aborted: the read side reports the end.
      () => undefined,
    );
    return true;
  }

  /** Forgets the lines heard so far: the next line is one heard after this. */
  clearLines(): void {
    this.queue.length = 0;
  }

  /** The next console line before `deadline` (Date.now() ms); null when none came, 'ended' once the link has. */
  async nextLine(deadline: number): Promise<string | null | 'ended'> {
    for (;;) {
      const line = this.queue.shift();
      if (line !== undefined) return line;
      if (this.endReason !== null) return 'ended';
      const wait = deadline - Date.now();
      if (wait <= 0) return null;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        this.wakeLineWaiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeLineWaiter = null;
    }
  }

  /**
   * A port for the Improv SDK: its readable gets every byte read from now on, its writable writes through
   * the link. Cancelling the readable (the SDK's close) leaves the real port as it is.
   */
  improvPort(): ImprovPortView {
    const readable = new ReadableStream<Uint8Array>({
      start: (controller) => {
        if (this.endReason !== null) controller.close();
        else this.improvController = controller;
      },
      cancel: () => {
        this.improvController = null;
      },
    });
    // Each write is handed on at once, so the SDK never holds its writer: it takes one for every packet and
    // would fail on a second while the first waits.
    const writable = new WritableStream<Uint8Array>({
      write: (chunk) => {
        this.send(chunk);
      },
    });
    return new ImprovPortView(readable, writable);
  }

  /**
   * Lets go of the port whatever holds the link's streams: the read is cancelled and pending writes aborted
   * (each step bounded in time), the locks released, then the port closed. Safe to call more than once.
   */
  close(): Promise<void> {
    this.closing ??= this.release();
    return this.closing;
  }

  private async release(): Promise<void> {
    this.end('closed');
    await settleWithin(this.reader.cancel(), CLOSE_STEP_MS);
    releaseQuietly(this.reader);
    await settleWithin(this.writer.abort(), CLOSE_STEP_MS);
    releaseQuietly(this.writer);
    await settleWithin(this.port.close(), CLOSE_STEP_MS);
  }

  private async pump(): Promise<void> {
    for (;;) {
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await this.reader.read();
      } catch (error) {
        if (this.endReason === null && this.readAgainAfter(error)) continue;
        this.end('lost');
        return;
      }
      if (result.done) {
        this.end('lost');
        return;
      }
      if (this.endReason !== null) return;
      this.take(result.value);
    }
  }

  /** After a recoverable error the port offers a new readable: the link reads on from it. */
  private readAgainAfter(error: unknown): boolean {
    if (!(error instanceof DOMException) || !RECOVERABLE_READ_ERRORS.has(error.name)) return false;
    const readable = this.port.readable;
    if (readable === null || readable.locked) return false;
    releaseQuietly(this.reader);
    this.reader = readable.getReader();
    return true;
  }

  private take(chunk: Uint8Array): void {
    if (this.budget !== null) {
      this.budget -= chunk.byteLength;
      if (this.budget < 0) {
        this.end('flooded');
        void this.reader.cancel().catch(() => undefined);
        return;
      }
    }
    for (const line of this.lineReader.push(chunk)) {
      // An empty line answers nothing.
      if (line === '') continue;
      if (this.queue.length === MAX_QUEUED_LINES) this.queue.shift();
      this.queue.push(line);
    }
    this.wakeLineWaiter?.();
    this.improvController?.enqueue(chunk);
  }

  private end(reason: LinkEnd): void {
    if (this.endReason !== null) return;
    this.endReason = reason;
    this.wakeLineWaiter?.();
    const controller = this.improvController;
    this.improvController = null;
    try {
      controller?.close();
    } catch {
      // The SDK cancelled it already.
    }
    this.resolveEnded(reason);
  }
}

/**
 * The port as the Improv SDK takes it (a SerialPort: it reads only `readable` and `writable`). Nothing else
 * of the real port is reachable through it: the session alone opens and closes that.
 */
export class ImprovPortView extends EventTarget implements SerialPort {
  onconnect: SerialPort['onconnect'] = null;
  ondisconnect: SerialPort['ondisconnect'] = null;
  readonly connected: boolean = true;

  constructor(
    readonly readable: ReadableStream<Uint8Array>,
    readonly writable: WritableStream<Uint8Array>,
  ) {
    super();
  }

  open(): Promise<void> {
    return Promise.reject(new DOMException('The set-up session opens the port.', 'InvalidStateError'));
  }

  close(): Promise<void> {
    return Promise.reject(new DOMException('The set-up session closes the port.', 'InvalidStateError'));
  }

  forget(): Promise<void> {
    return Promise.reject(new DOMException('The set-up session does not forget ports.', 'InvalidStateError'));
  }

  setSignals(): Promise<void> {
    return Promise.reject(new DOMException('The set-up session sets no signals.', 'InvalidStateError'));
  }

  getSignals(): Promise<SerialInputSignals> {
    return Promise.reject(new DOMException('The set-up session reads no signals.', 'InvalidStateError'));
  }

  getInfo(): SerialPortInfo {
    return {};
  }
}

/** Waits for `promise` (its failure ignored) at most `ms`. */
async function settleWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([promise.catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

function releaseQuietly(holder: { releaseLock(): void }): void {
  try {
    holder.releaseLock();
  } catch {
    // Released already.
  }
}
