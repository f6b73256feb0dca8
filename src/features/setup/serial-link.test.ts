import { describe, expect, it } from 'vitest';
import { MAX_QUEUED_LINES, MAX_UNSENT_BYTES, SerialLink } from './serial-link';
import { FakeThermostatPort } from './testing/fake-thermostat-port';

const bytes = (text: string) => new TextEncoder().encode(text);

async function openLink(port = new FakeThermostatPort({ answerConsole: () => [] })) {
  await port.open({ baudRate: 115200 });
  const link = SerialLink.over(port);
  if (link === null) throw new Error('no link');
  return { port, link };
}

/** Lets the link's read loop take what the port has. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('SerialLink', () => {
  it(`keeps at most ${MAX_QUEUED_LINES} console lines nobody waits for, the newest`, async () => {
    const { port, link } = await openLink();
    port.send(Array.from({ length: 10_000 }, (_, i) => `line ${i}\n`).join(''));
    await settle();
    const heard: string[] = [];
    for (let line = await link.nextLine(Date.now()); typeof line === 'string'; line = await link.nextLine(Date.now())) heard.push(line);
    expect(heard).toHaveLength(MAX_QUEUED_LINES);
    expect(heard.at(-1)).toBe('line 9999');
    await link.close();
  });

  it('ends as flooded when a phase brings more bytes than it allows, and closes the Improv stream', async () => {
    const { port, link } = await openLink();
    const improv = link.improvPort().readable.getReader();
    link.limit(1000);
    port.send(new Uint8Array(600));
    expect(await improv.read()).toMatchObject({ done: false });
    port.send(new Uint8Array(600));
    expect(await link.ended).toBe('flooded');
    expect(await improv.read()).toEqual({ done: true, value: undefined });
    await link.close();
    expect(port.closed).toBe(true);
  });

  it('closes the port while a write waits on a device that takes nothing, and queues no more than it allows meanwhile', async () => {
    const { port, link } = await openLink();
    port.stallWrites();
    expect(link.send(new Uint8Array(MAX_UNSENT_BYTES))).toBe(true);
    expect(link.send(bytes('x'))).toBe(false);
    await link.close();
    expect(port.closed).toBe(true);
    expect(port.refusedCloses).toBe(0);
    expect(link.send(bytes('x'))).toBe(false);
  });

  it('leaves the real port to the session: the Improv view neither opens nor closes it', async () => {
    const { port, link } = await openLink();
    const view = link.improvPort();
    await expect(view.close()).rejects.toThrow(/session closes the port/);
    await expect(view.open()).rejects.toThrow(/session opens the port/);
    await view.readable.cancel();
    expect(port.closed).toBe(false);
    await link.close();
    expect(port.closed).toBe(true);
  });

  it('reads on after a framing error (boot noise at another speed), from the readable the port offers next', async () => {
    let controllers: ReadableStreamDefaultController<Uint8Array>[] = [];
    const stream = () =>
      new ReadableStream<Uint8Array>({
        start: (controller) => {
          controllers.push(controller);
        },
      });
    const port = {
      readable: stream(),
      writable: new WritableStream<Uint8Array>(),
      close: async () => undefined,
    };
    const link = SerialLink.over(port);
    if (link === null) throw new Error('no link');
    const [first] = controllers;
    controllers = [];
    port.readable = stream();
    first?.error(new DOMException('Framing error.', 'FramingError'));
    await settle();
    controllers[0]?.enqueue(bytes('ok app http://h/\n'));
    expect(await link.nextLine(Date.now() + 1000)).toBe('ok app http://h/');
    expect(link.endedFor).toBeNull();
    await link.close();
  });

  it('ends as lost when the cable is pulled', async () => {
    const { port, link } = await openLink();
    port.unplug();
    expect(await link.ended).toBe('lost');
    expect(await link.nextLine(Date.now() + 1000)).toBe('ended');
    await link.close();
    expect(port.closed).toBe(true);
  });
});
