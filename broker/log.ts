/** One JSON object per line on stdout, so log shippers and the tests can parse every line. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogFields = Readonly<Record<string, string | number | boolean | null | undefined>>;

export interface Logger {
  enabled(level: Exclude<LogLevel, 'silent'>): boolean;
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

const RANK = new Map<LogLevel, number>(LOG_LEVELS.map((level, index) => [level, index]));

/**
 * Keys that could carry a payload or a credential are dropped even if a caller passes them by mistake:
 * the broker must never write `data`, proofs or secrets anywhere.
 */
const FORBIDDEN_KEYS = new Set(['data', 'proof', 'secret', 'key', 'frame', 'text']);

export const isLogLevel = (value: unknown): value is LogLevel =>
  typeof value === 'string' && (LOG_LEVELS as readonly string[]).includes(value);

export function createLogger(level: LogLevel, write: (line: string) => void = (line) => process.stdout.write(line)): Logger {
  const threshold = RANK.get(level) ?? 1;
  const emit = (lineLevel: Exclude<LogLevel, 'silent'>, event: string, fields: LogFields = {}): void => {
    if ((RANK.get(lineLevel) ?? 0) < threshold) return;
    const record: Record<string, unknown> = { time: new Date().toISOString(), level: lineLevel, event };
    for (const [name, value] of Object.entries(fields)) {
      if (!FORBIDDEN_KEYS.has(name) && value !== undefined && !(name in record)) record[name] = value;
    }
    write(`${JSON.stringify(record)}\n`);
  };
  return {
    enabled: (lineLevel) => (RANK.get(lineLevel) ?? 0) >= threshold,
    debug: (event, fields) => emit('debug', event, fields),
    info: (event, fields) => emit('info', event, fields),
    warn: (event, fields) => emit('warn', event, fields),
    error: (event, fields) => emit('error', event, fields),
  };
}

export interface ThrottleClock {
  now(): number;
  /** Runs `callback` after `ms`; the timer must not keep the process alive. */
  later(callback: () => void, ms: number): void;
}

const systemClock: ThrottleClock = {
  now: Date.now,
  later: (callback, ms) => setTimeout(callback, ms).unref(),
};

const THROTTLE_WINDOW_MS = 1_000;

/**
 * A logger that writes at most `perSecond` lines of any one event per second at info and above, so that a
 * client logging on (or being refused) in a loop cannot fill the disk. What it holds back is counted and said
 * in one `log_suppressed` line when the second is over. Debug lines, asked for on purpose, all go through.
 */
export function throttleLog(log: Logger, perSecond: number, clock: ThrottleClock = systemClock): Logger {
  interface Window {
    start: number;
    written: number;
    suppressed: number;
  }
  const windows = new Map<string, Window>();
  /** Says what `window` held back, once; a window already replaced by a newer one has said it. */
  const flush = (event: string, level: 'info' | 'warn' | 'error', window: Window): void => {
    if (windows.get(event) !== window || window.suppressed === 0) return;
    log[level]('log_suppressed', { suppressed_event: event, count: window.suppressed, per_second: perSecond });
    windows.delete(event);
  };
  const throttled =
    (level: 'info' | 'warn' | 'error') =>
    (event: string, fields?: LogFields): void => {
      const now = clock.now();
      let window = windows.get(event);
      if (window === undefined || now - window.start >= THROTTLE_WINDOW_MS) {
        if (window !== undefined) flush(event, level, window);
        window = { start: now, written: 0, suppressed: 0 };
        windows.set(event, window);
      }
      if (window.written < perSecond) {
        window.written += 1;
        log[level](event, fields);
        return;
      }
      window.suppressed += 1;
      const held = window;
      if (held.suppressed === 1) clock.later(() => flush(event, level, held), held.start + THROTTLE_WINDOW_MS - now);
    };
  return {
    enabled: log.enabled,
    debug: log.debug,
    info: throttled('info'),
    warn: throttled('warn'),
    error: throttled('error'),
  };
}

/**
 * For a condition that recurs as long as something is misconfigured (a proxy that sends no X-Forwarded-For):
 * the returned function calls `say` at most once per `intervalMs`, with how many times the condition arose
 * since it was last said, so one line a minute tells the operator without a line per connection.
 */
export function occasionally(intervalMs: number, say: (count: number) => void, clock: Pick<ThrottleClock, 'now'> = systemClock): () => void {
  let lastSaid = Number.NEGATIVE_INFINITY;
  let count = 0;
  return () => {
    count += 1;
    const now = clock.now();
    if (now - lastSaid < intervalMs) return;
    lastSaid = now;
    say(count);
    count = 0;
  };
}
