/**
 * 8. V8's young generation: the gateway allocates a lot per item (parsed variables, coerced inputs,
 * per-item promises, result objects), so with Node's default 16 MB semi-space much of a big query's
 * CPU goes to scavenges. The gateway as deployed (`npm start` and the Dockerfile run it with
 * GATEWAY_NODE_FLAGS, a 32 MB semi-space) against the same gateway on Node's defaults, on the
 * 256-instance query and on single-item predict.
 */
import type { Section } from '../lib/context.js';
import { GATEWAY_NODE_FLAGS } from '../lib/server-process.js';
import { compareVariants } from '../lib/variants.js';

export const gcTuningSection: Section = {
  id: 'gc-tuning',
  title: `8. GC tuning: the deployed ${GATEWAY_NODE_FLAGS.join(' ')} vs Node's default young generation`,
  needsHeavyModel: false,
  async run(ctx) {
    const output = await compareVariants(
      ctx,
      'deployed / default',
      { label: 'deployed flags', description: `node ${GATEWAY_NODE_FLAGS.join(' ')}, as npm start and the Dockerfile run it`, start: {} },
      { label: 'default', description: "Node's default heap settings", start: { nodeFlags: [] } },
    );
    return {
      ...output,
      notes: [`Every other section runs the gateway as deployed, with ${GATEWAY_NODE_FLAGS.join(' ')}.`],
    };
  },
};
