import { logonHost, parsePacket, signedLogOn, type RoutedPacket } from '@protocol';
import type { TestThermostat } from './test-thermostat';

/** Connects a TestThermostat to a real broker; resolves once the broker acknowledged its logon. */
export function connectThermostat(wsUrl: string, thermostat: TestThermostat): Promise<WebSocket> {
  const keys = thermostat.logonKeys;
  if (keys === null) throw new Error('a thermostat logging on to a real broker needs TestThermostat.withLogonKeys()');
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl);
    socket.onerror = () => reject(new Error('thermostat could not reach the broker'));
    socket.onmessage = (event) => {
      if (typeof event.data !== 'string') return;
      const parsed = parsePacket(event.data);
      if (!parsed.ok) return;
      const packet = parsed.value;
      if (packet.packet_type === 'CHALLENGE') {
        signedLogOn(keys, packet.nonce, logonHost(wsUrl)).then((logOn) => socket.send(JSON.stringify(logOn)), reject);
      }
      if (packet.packet_type === 'ACK_LOG_ON') resolve(socket);
      if (packet.packet_type === 'ERROR') reject(new Error(`broker refused the thermostat: ${packet.code} ${packet.message}`));
      if (packet.packet_type === 'START' || packet.packet_type === 'MSG') {
        const send = (replies: RoutedPacket[]) => replies.forEach((reply) => socket.send(JSON.stringify(reply)));
        send(thermostat.handle(packet, send));
      }
    };
  });
}

export function closeSocket(socket: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.readyState === WebSocket.CLOSED) {
      resolve();
      return;
    }
    socket.addEventListener('close', () => resolve());
    socket.close();
  });
}
