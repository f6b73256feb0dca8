export * from './base64.ts';
export * from './base64url.ts';
export * from './envelope.ts';
export * from './identity.ts';
export * from './member-key.ts';
export * from './message-readers.ts';
export * from './messages.ts';
export * from './owntracks-config.ts';
export * from './owntracks-key.ts';
export * from './packets.ts';
export * from './relay.ts';
export * from './result.ts';
export * from './schedule.ts';
export * from './time-zone.ts';
export { isFiniteNumber, isObject } from './json.ts';
export {
  checkJsonObject,
  JSON_FAULTS,
  JSON_LIMITS,
  parseJsonObject,
  readJsonObject,
  type JsonFault,
  type JsonViolation,
} from './json-reader.ts';
