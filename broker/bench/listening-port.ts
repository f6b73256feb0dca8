import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parseJsonObject } from '../../protocol/index.ts';

/** The port a broker a bench started (stdout piped) names in its `listening` line; rejected if it exits first. */
export function listeningPort(child: ChildProcess): Promise<number> {
  if (child.stdout === null) return Promise.reject(new Error('the broker was started without a piped stdout'));
  const lines = createInterface({ input: child.stdout });
  return new Promise<number>((resolve, reject) => {
    lines.on('line', (line) => {
      const record = parseJsonObject(line);
      if (record?.['event'] === 'listening' && typeof record['port'] === 'number') resolve(record['port']);
    });
    child.once('exit', (code) => reject(new Error(`broker exited ${code}`)));
  });
}
