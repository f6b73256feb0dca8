import { hostname, networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { defaultPublicHosts, normalizeHost, PublicHosts } from './public-hosts.ts';

describe('normalizeHost', () => {
  it.each([
    ['Hearth.Example', 'hearth.example'],
    ['hearth.example:443', 'hearth.example'],
    ['hearth.example:80', 'hearth.example'],
    ['hearth.example:8443', 'hearth.example:8443'],
    ['192.168.1.20:8080', '192.168.1.20:8080'],
    ['[0:0:0:0:0:0:0:1]:8080', '[::1]:8080'],
    ['[::FFFF:7F00:1]', '[::ffff:7f00:1]'],
    ['bücher.example', 'xn--bcher-kva.example'],
  ])('writes %s as %s, as new URL(url).host would', (text, host) => {
    expect(normalizeHost(text)).toBe(host);
  });

  it.each(['', ' ', 'user@hearth.example', 'hearth.example/ws', 'hearth.example?x', 'hearth.example#x', 'hearth.example:99999', 'a b', '[::1', 'x'.repeat(301)])(
    'refuses %j',
    (text) => {
      expect(normalizeHost(text)).toBeNull();
    },
  );
});

describe('defaultPublicHosts', () => {
  it('names localhost, the loopback addresses, every interface address and the machine, each with the port', () => {
    const hosts = defaultPublicHosts({ port: 8080, listenHost: '0.0.0.0', allowedOrigins: [] });
    const name = hostname().toLowerCase();
    expect(hosts).toEqual(
      expect.arrayContaining(['localhost:8080', '127.0.0.1:8080', '[::1]:8080', `${name}:8080`, `${name.split('.')[0]}.local:8080`]),
    );
    for (const entry of Object.values(networkInterfaces()).flat()) {
      if (entry === undefined) continue;
      const address = entry.address.split('%', 1)[0]!;
      expect(hosts).toContain(normalizeHost(`${entry.family === 'IPv6' ? `[${address}]` : address}:8080`));
    }
    expect(hosts.every((host) => host.endsWith(':8080'))).toBe(true);
  });

  it('leaves out the port when it is the default, and adds the listening address and the allowed origins’ hosts', () => {
    const hosts = defaultPublicHosts({ port: 443, listenHost: '198.51.100.4', allowedOrigins: ['https://App.Example.org', 'http://lan.example:8000', 'not a url'] });
    expect(hosts).toEqual(expect.arrayContaining(['localhost', '127.0.0.1', '198.51.100.4', 'app.example.org', 'lan.example:8000']));
    expect(hosts).not.toContain('localhost:443');
  });
});

describe('PublicHosts', () => {
  it('takes a configured list as it is, and never looks at the interfaces', () => {
    let lookups = 0;
    const hosts = new PublicHosts(['hearth.example'], () => [`looked-up-${(lookups += 1)}`]);
    expect(hosts.accepts('HEARTH.example:443', 0)).toBe(true);
    expect(hosts.accepts('localhost', 0)).toBe(false);
    expect(hosts.accepts('looked-up-1', 1_000_000)).toBe(false);
    expect(lookups).toBe(0);
  });

  it('without one, looks the defaults up again on a miss, at most every 30 s', () => {
    let current = ['192.168.1.20:8080'];
    let lookups = 0;
    const lookUp = (): string[] => {
      lookups += 1;
      return current;
    };
    const hosts = new PublicHosts(null, lookUp);
    expect(lookups).toBe(0);
    expect(hosts.list(0)).toEqual(['192.168.1.20:8080']);
    current = ['10.0.0.7:8080'];
    expect(hosts.accepts('192.168.1.20:8080', 1)).toBe(true);
    expect(hosts.accepts('10.0.0.7:8080', 29_999)).toBe(false);
    expect(hosts.accepts('evil.example', 29_999)).toBe(false);
    expect(lookups).toBe(1);
    expect(hosts.accepts('10.0.0.7:8080', 30_000)).toBe(true);
    expect(hosts.accepts('evil.example', 30_001)).toBe(false);
    expect(lookups).toBe(2);
    expect(hosts.accepts(undefined, 70_000)).toBe(false);
  });
});
