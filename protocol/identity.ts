/** A client's identity (docs/protocol.md, "Identity"): an ECDSA P-256 key pair; its ID names the public key. */
export { ID_LENGTH, ID_PATTERN, isClientId, type ClientId } from './client-id.ts';
export * from './logon.ts';
