/** What every bench section gets: settings, the load generators, the bench key and shared servers. */

import type { BenchRepository } from '../models/bench-repository.js';
import type { BenchKey } from './keys.js';
import type { LoadClient } from './load-client.js';
import type { Log } from './measure.js';
import type { BenchSettings, FactResult, MeasurementResult, RatioResult } from './results.js';
import type { ServerEntry, ServerProcess } from './server-process.js';

export interface GatewayStartOptions {
  /** Default: the bench repository (bundled copies + the heavy model, when generated). */
  readonly modelsDir?: string;
  /** Extra configuration over the production defaults (NODE_ENV=production, LOG_LEVEL=info, the bench keys file). */
  readonly env?: Readonly<Record<string, string>>;
  /** The Node.js binary to run it on (default: the one running the bench, the project's pinned Node). */
  readonly nodeBinary?: string;
  /** V8 flags in place of the deployed ones (GATEWAY_NODE_FLAGS); `[]` for Node's defaults. */
  readonly nodeFlags?: readonly string[];
}

export interface BenchContext {
  readonly settings: BenchSettings;
  /** The main load generator (a separate process). */
  readonly load: LoadClient;
  /** A second load process, for probes that run alongside the main load (/healthz). */
  readonly probe: LoadClient;
  readonly key: BenchKey;
  readonly logDir: string;
  readonly bundledModelsDir: string;
  readonly repository: BenchRepository;
  readonly entry: ServerEntry;
  readonly log: Log;
  /** The shared production gateway over the bench repository, started on first use. */
  mainServer(): Promise<ServerProcess>;
  /** A fresh gateway process; the caller stops it. */
  startGateway(label: string, options?: GatewayStartOptions): Promise<ServerProcess>;
}

export interface SectionOutput {
  readonly measurements: readonly MeasurementResult[];
  readonly ratios: readonly RatioResult[];
  readonly facts?: readonly FactResult[];
  readonly notes?: readonly string[];
}

export interface Section {
  readonly id: string;
  readonly title: string;
  /** Whether the section needs the generated heavy model in the bench repository. */
  readonly needsHeavyModel: boolean;
  run(context: BenchContext): Promise<SectionOutput>;
}
