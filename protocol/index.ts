export * from './base64url.ts';
export * from './envelope.ts';
export * from './identity.ts';
export * from './messages.ts';
export * from './packets.ts';
export * from './result.ts';
export { isFiniteNumber, isObject, parseJsonObject } from './json.ts';
