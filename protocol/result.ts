/** A value or a named error: every trust boundary returns one of these instead of throwing. */
export type Result<T, E extends string> = { ok: true; value: T } | { ok: false; error: E; message: string };

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });

export const fail = <E extends string>(error: E, message: string): { ok: false; error: E; message: string } => ({
  ok: false,
  error,
  message,
});
