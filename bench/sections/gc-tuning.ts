/**
 * 8. V8's young generation: the gateway allocates a lot per item (parsed variables, coerced inputs,
 * per-item promises, result objects), so with Node's default 16 MB semi-space most of a big query's
 * CPU goes to scavenges. The same gateway with `--max-semi-space-size=32` (NODE_OPTIONS) against the
 * default, on the 256-instance query and on single-item predict.
 */
import type { Section } from '../lib/context.js';
import { compareVariants } from '../lib/variants.js';

export const SEMI_SPACE_FLAG = '--max-semi-space-size=32';

export const gcTuningSection: Section = {
  id: 'gc-tuning',
  title: `8. GC tuning: NODE_OPTIONS=${SEMI_SPACE_FLAG} vs Node's default young generation`,
  needsHeavyModel: false,
  async run(ctx) {
    const output = await compareVariants(
      ctx,
      'tuned / default',
      { label: 'semi-space 32 MB', description: `NODE_OPTIONS=${SEMI_SPACE_FLAG}`, start: { env: { NODE_OPTIONS: SEMI_SPACE_FLAG } } },
      { label: 'default', description: "Node's default heap settings", start: {} },
    );
    return {
      ...output,
      notes: [`Not a goal of the issue: a deployment setting the numbers argue for (see README, Performance). Every other section runs the gateway with Node's defaults.`],
    };
  },
};
