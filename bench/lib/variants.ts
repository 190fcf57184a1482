/**
 * Two processes of the same gateway that differ in one setting (a Node flag, the Node binary), measured
 * side by side on the 256-instance iris query (c8) and single-instance predict (c32), rounds interleaved.
 */
import type { BenchContext, GatewayStartOptions, SectionOutput } from './context.js';
import { find, loadScenario, ratio, runRounds } from './measure.js';
import { graphqlPost, irisPredict } from './queries.js';
import { type ServerProcess, startTogether } from './server-process.js';

export interface GatewayVariant {
  /** Short label used in measurement names, e.g. `node 24`. */
  readonly label: string;
  /** What this variant is, for the report. */
  readonly description: string;
  readonly start: GatewayStartOptions;
}

/** Measures `tried` against `baseline` and reports `<ratioName>: tried / baseline` for both query shapes. */
export async function compareVariants(
  ctx: BenchContext,
  ratioName: string,
  tried: GatewayVariant,
  baseline: GatewayVariant,
): Promise<SectionOutput> {
  const slug = (label: string) => label.replace(/[^A-Za-z0-9.]+/g, '-');
  const servers = await startTogether(
    [tried, baseline].map(
      (variant) => () => ctx.startGateway(`variant-${slug(variant.label)}`, { modelsDir: ctx.bundledModelsDir, ...variant.start }),
    ),
  );
  try {
    const scenario = (server: ServerProcess, variant: GatewayVariant, big: boolean) =>
      loadScenario({
        load: ctx.load,
        settings: ctx.settings,
        server,
        name: `${big ? '256-instance query c8' : 'predict-1 c32'}, ${variant.label}`,
        description: `${big ? 'predict with 256 iris instances, 8 at a time' : 'predict with one iris instance, 32 at a time'}; ${variant.description}`,
        unit: 'items/s',
        connections: big ? 8 : 32,
        requests: [graphqlPost(irisPredict(big ? 256 : 1), ctx.key.headers)],
        unitsPerRequest: big ? 256 : 1,
      });
    const [triedServer, baselineServer] = servers;
    const measurements = [
      ...(await runRounds(ctx.settings.rounds, [scenario(triedServer, tried, true), scenario(baselineServer, baseline, true)], ctx.log)),
      ...(await runRounds(ctx.settings.rounds, [scenario(triedServer, tried, false), scenario(baselineServer, baseline, false)], ctx.log)),
    ];
    const pair = (shape: string) =>
      [find(measurements, `${shape}, ${tried.label}`), find(measurements, `${shape}, ${baseline.label}`)] as const;
    return {
      measurements,
      ratios: [
        ratio(`256-instance query: ${ratioName}`, `items/s, ${tried.label} against ${baseline.label}`, ...pair('256-instance query c8')),
        ratio(`predict-1 c32: ${ratioName}`, `the same for single-instance queries`, ...pair('predict-1 c32')),
      ],
    };
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}
