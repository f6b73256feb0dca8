/**
 * What every reader of a parsed JSON value needs: the guards for objects and numbers, and own-property access. The
 * text scanner that enforces the JSON rules before anything is parsed is in json-reader.ts, which only the connection
 * and the file readers need (the first paint reads STATEs out of storage, already parsed).
 */
export type JsonObject = { readonly [key: string]: unknown };

export const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const hasOwn = (object: JsonObject, key: string): boolean => Object.prototype.hasOwnProperty.call(object, key);

/** Own properties only, so `__proto__` or `constructor` in a payload never reach the prototype chain. */
export const field = (object: JsonObject, key: string): unknown => (hasOwn(object, key) ? object[key] : undefined);

export const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

