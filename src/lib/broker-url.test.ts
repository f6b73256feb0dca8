import { describe, expect, it } from 'vitest';
import { brokerIngressBase, localOnlyHost, validateBrokerUrl } from './broker-url';

describe('localOnlyHost', () => {
  it.each([
    ['ws://localhost:8080/ws', 'localhost'],
    ['http://localhost:8080/', 'localhost'],
    ['ws://LOCALHOST/ws', 'localhost'],
    ['ws://localhost./ws', 'localhost.'],
    ['ws://hearth.localhost:8080/ws', 'hearth.localhost'],
    ['ws://127.0.0.1:8080/ws', '127.0.0.1'],
    ['wss://127.255.255.254/ws', '127.255.255.254'],
    ['ws://127.1/ws', '127.0.0.1'],
    ['ws://0x7f000001/ws', '127.0.0.1'],
    ['ws://2130706433/ws', '127.0.0.1'],
    ['ws://[::1]:8080/ws', '[::1]'],
    ['http://[0:0:0:0:0:0:0:1]:8080/', '[::1]'],
    ['ws://[::ffff:127.0.0.1]/ws', '[::ffff:7f00:1]'],
    ['ws://0.0.0.0:8080/ws', '0.0.0.0'],
    ['ws://0/ws', '0.0.0.0'],
    ['ws://[::]:8080/ws', '[::]'],
    ['ws://[::ffff:0.0.0.0]/ws', '[::ffff:0:0]'],
  ])('%s is only reachable from this computer (%s)', (url, host) => {
    expect(localOnlyHost(url)).toBe(host);
  });

  it.each([
    'wss://hearth.example/ws',
    'ws://192.168.1.20:8080/ws',
    'http://192.168.1.20:8080/',
    'ws://10.0.0.1/ws',
    'ws://128.0.0.1/ws',
    'ws://126.255.255.255/ws',
    'ws://0.0.0.1/ws',
    'ws://127.example.com/ws',
    'ws://localhost.example.com/ws',
    'ws://mylocalhost/ws',
    'ws://[::2]/ws',
    'ws://[fe80::1]/ws',
    'ws://[::ffff:192.168.1.1]/ws',
    'ws://[2001:db8::1]/ws',
    'not a url',
    '',
  ])('%s is not local-only', (url) => {
    expect(localOnlyHost(url)).toBeNull();
  });
});

describe('brokerIngressBase', () => {
  it.each([
    ['wss://hearth.example/ws', 'https://hearth.example'],
    ['ws://192.168.1.20:8080/ws', 'http://192.168.1.20:8080'],
    ['ws://[fd00::2]:8080/ws', 'http://[fd00::2]:8080'],
    ['wss://hearth.example', 'https://hearth.example'],
    ['wss://hearth.example/', 'https://hearth.example'],
    // A reverse proxy serving the broker under a prefix takes the OwnTracks bodies under it too.
    ['wss://host:8443/hearth/ws', 'https://host:8443/hearth'],
    ['wss://example.org/hearth/ws', 'https://example.org/hearth'],
    ['wss://example.org/a/b/', 'https://example.org/a/b'],
    ['wss://example.org/hearth/socket', 'https://example.org/hearth/socket'],
    ['wss://hearth.example:8443/some/path?x=1#y', 'https://hearth.example:8443/some/path'],
    ['wss://me:pw@hearth.example/ws', 'https://hearth.example'],
    ['WSS://HEARTH.example:443/ws', 'https://hearth.example'],
  ])('%s has its ingress under %s', (url, base) => {
    expect(brokerIngressBase(url)).toBe(base);
  });

  it.each(['https://hearth.example/ws', 'not a url', '', 'wss://hearth.example//ws', 'wss://hearth.example/a//ws'])('%j gives no ingress', (url) => {
    expect(brokerIngressBase(url)).toBeNull();
  });
});

describe('validateBrokerUrl', () => {
  it('says "broker address", in plain words, never "URL"', () => {
    expect(validateBrokerUrl('')).toBeNull();
    expect(validateBrokerUrl('wss://example.org/ws')).toBeNull();
    expect(validateBrokerUrl('not an address')).toBe('That is not a broker address; one looks like wss://example.org/ws.');
    expect(validateBrokerUrl('https://example.org/ws')).toBe('The broker address must start with ws:// or wss://.');
  });
});
