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
