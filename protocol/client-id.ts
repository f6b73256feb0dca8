/**
 * The shape of an ID, apart from how it is derived: checking an ID needs no hashing, so code that
 * only validates (the message parsers the app's first paint uses) does not pull SHA-256 in with it.
 */
export const ID_LENGTH = 22;
export const ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/** A client's ID: public, and only the holder of the private key it names can log on under it. */
export type ClientId = string;

export const isClientId = (value: unknown): value is ClientId => typeof value === 'string' && ID_PATTERN.test(value);
