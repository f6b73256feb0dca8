/** What the connection is doing, in terms a person can act on. */
export type ConnectionStatus =
  | 'connecting'
  | 'connected'
  | 'no-thermostat'
  | 'offline'
  | 'replaced'
  | 'thermostat-offline'
  | 'not-answering'
  | 'wrong-key'
  /** Plain http on a network address: the browser gives no WebCrypto, so the app cannot sign its logon. */
  | 'insecure-page';

/** Why a command did not take effect. */
export type CommandFailure = 'no-answer' | 'thermostat-offline' | 'out_of_range' | 'bad_message';
