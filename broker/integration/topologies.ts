/**
 * Where the integration tests' clients connect: one broker, or several nodes routing through a real Redis
 * (cluster/). A test that runs over each topology holds a layer 6 clause for both, with the same codes.
 */
import { TestRedis, startTestNodes } from '../cluster/test-cluster.ts';
import type { BrokerConfig, RunningBroker } from '../server.ts';
import { startTestBroker } from './helpers.ts';

export interface Topology {
  readonly nodes: readonly RunningBroker[];
  /** The next node's WebSocket URL, round the nodes in turn: consecutive clients land on different nodes. */
  next(): string;
  close(): Promise<void>;
}

const rotating = (nodes: readonly RunningBroker[], close: () => Promise<void>): Topology => {
  let turn = 0;
  return { nodes, next: () => nodes[turn++ % nodes.length]!.wsUrl, close };
};

export const TOPOLOGIES: ReadonlyArray<readonly [string, (config: Partial<BrokerConfig>) => Promise<Topology>]> = [
  [
    'one broker',
    async (config) => {
      const broker = await startTestBroker(config);
      return rotating([broker], () => broker.close());
    },
  ],
  [
    'three nodes on Redis',
    async (config) => {
      const redis = await TestRedis.start();
      const nodes = await startTestNodes(redis, 3, config);
      return rotating(nodes, async () => {
        await Promise.all(nodes.map((node) => node.close()));
        await redis.stop();
      });
    },
  ],
];
