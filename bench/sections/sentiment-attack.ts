/**
 * 11. One client sends the largest sentiment request the limits allow, back to back, while other
 * clients send single-instance iris predicts and a probe reads /healthz: the iris throughput against
 * the same load without the attack (side by side, in one run) and /healthz p99 under the attack.
 * Issue 14 item 2: tokenizing on the main thread let one such request freeze every other client.
 *
 * The attack body is configurable, since the per-operation and per-request character caps may lower
 * what the limits allow: BENCH_ATTACK="texts=256 chars=5000 aliases=1 operations=2 fields=label,score"
 * (the defaults: two operations of 256 × 5,000-character texts, 2.56 MB, at both character caps). With
 * operations=N the body is a batched HTTP array of N such operations, each with texts of its own.
 * With nice=N the section starts a gateway of its own with PREPROCESS_NICE=N (0: the tokenizing
 * threads compete with the main thread on equal terms).
 */
import type { Section } from '../lib/context.js';
import { LoadClient } from '../lib/load-client.js';
import type { LoadResult, LoadSpec } from '../lib/load-types.js';
import { summarise } from '../lib/measure.js';
import { sampleValue } from '../lib/prometheus.js';
import { body, graphqlPost, irisPredict } from '../lib/queries.js';
import type { FactResult, Sample } from '../lib/results.js';
import { checkGoal } from '../lib/results.js';
import { median, pairedRatio } from '../lib/stats.js';

const CONNECTIONS = 32;
const PROBE_RATE = 50;
/** Long enough for the probe's p99 to rest on more than a handful of samples, even in --quick. */
const MIN_WINDOW_SEC = 5;

export interface AttackShape {
  readonly texts: number;
  readonly chars: number;
  readonly aliases: number;
  /** Operations in one batched HTTP request (1: a plain request). */
  readonly operations: number;
  /** The selection of every alias. */
  readonly fields: readonly string[];
  /** PREPROCESS_NICE of a gateway started for the section; absent: the shared one, with its default. */
  readonly nice?: number;
}

// The largest request the character caps let through: a batched request of two operations, each one
// classifySentiments of 256 texts of 5,000 characters (1,280,000 characters per operation, 2,560,000 per
// request: MAX_TEXT_CHARACTERS_PER_QUERY and _PER_REQUEST). The 16-alias shape is now refused.
export const DEFAULT_ATTACK: AttackShape = { texts: 256, chars: 5_000, aliases: 1, operations: 2, fields: ['label', 'score'] };

/** Reads `BENCH_ATTACK` ("texts=256 chars=5000 aliases=16 operations=1 fields=label,score"; any subset). */
export function attackFromEnv(text = process.env.BENCH_ATTACK ?? ''): AttackShape {
  const shape: { -readonly [K in keyof AttackShape]: AttackShape[K] } = { ...DEFAULT_ATTACK };
  for (const part of text.split(/\s+/).filter(Boolean)) {
    const [key, value = ''] = part.split('=');
    if (key === 'fields') {
      shape.fields = value.split(',').filter(Boolean);
      continue;
    }
    const number = Number(value);
    if (key === 'nice' && Number.isInteger(number) && number >= 0 && number <= 19) {
      shape.nice = number;
      continue;
    }
    if ((key !== 'texts' && key !== 'chars' && key !== 'aliases' && key !== 'operations') || !Number.isInteger(number) || number < 1) {
      throw new Error(
        `BENCH_ATTACK must hold texts=N, chars=N, aliases=N, operations=N (positive integers), nice=0-19 or fields=a,b, but got "${part}"`,
      );
    }
    shape[key] = number;
  }
  return shape;
}

/** The attack's JSON body: per operation, one `texts` variable of distinct English-like texts, shared by every alias. */
export function attackBody(shape: AttackShape): string {
  const selection = shape.fields.join(' ');
  const aliases = Array.from({ length: shape.aliases }, (_, i) => `a${i}: classifySentiments(texts: $texts) { ${selection} }`).join(' ');
  const query = `query Attack($texts: [String!]!) { ${aliases} }`;
  const operation = (o: number) => ({
    query,
    variables: { texts: Array.from({ length: shape.texts }, (_, i) => reviewText(o * shape.texts + i, shape.chars)) },
  });
  return shape.operations === 1
    ? body(query, operation(0).variables)
    : JSON.stringify(Array.from({ length: shape.operations }, (_, o) => operation(o)));
}

const WORDS =
  'the movie was not good at all but the acting was REALLY wonderful and I loved the ending , though the plot felt slow and somewhat boring . never again ! what a great film , very bad sound'.split(
    ' ',
  );

// Deterministic, distinct texts of exactly `chars` characters, with negations, capitals and punctuation.
function reviewText(seed: number, chars: number): string {
  let text = `review ${seed}:`;
  let state = seed * 7919 + 17;
  while (text.length < chars) {
    state = (state * 1103515245 + 12345) % 2147483648;
    text += ` ${WORDS[state % WORDS.length]}`;
  }
  return text.slice(0, chars);
}

function describeAttack(shape: AttackShape): string {
  const each = `${shape.texts} texts × ${shape.chars} characters shared by ${shape.aliases} alias${shape.aliases === 1 ? '' : 'es'} selecting { ${shape.fields.join(' ')} }`;
  const request = shape.operations === 1 ? each : `a batched request of ${shape.operations} operations, each ${each}`;
  return shape.nice === undefined ? request : `${request}; PREPROCESS_NICE=${shape.nice}`;
}

// Latencies of a client that got no answer in the window arrive as null (NaN through IPC).
function fixed(value: number | null, digits: number): string {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : 'none';
}

interface Round {
  readonly iris: Sample;
  readonly probe: LoadResult;
  readonly eventLoopP99Ms: number;
  readonly attack?: LoadResult;
}

export const sentimentAttackSection: Section = {
  id: 'sentiment-attack',
  title: '11. A large sentiment request, back to back: /healthz and other clients, with and without it',
  needsHeavyModel: false,
  async run(ctx) {
    const shape = attackFromEnv();
    const own =
      shape.nice === undefined
        ? null
        : await ctx.startGateway(`attack-nice-${shape.nice}`, { env: { PREPROCESS_NICE: String(shape.nice) } });
    const server = own ?? (await ctx.mainServer());
    const attack = attackBody(shape);
    const durationSec = Math.max(ctx.settings.durationSec, MIN_WINDOW_SEC);
    const iris = graphqlPost(irisPredict(1), ctx.key.headers);
    const irisSpec = (seconds: number): LoadSpec => ({
      origin: server.origin,
      connections: CONNECTIONS,
      durationSec: seconds,
      requests: [iris],
    });
    const probeSpec: LoadSpec = {
      origin: server.origin,
      connections: 1,
      durationSec,
      overallRate: PROBE_RATE,
      requests: [{ method: 'GET', path: '/healthz' }],
      expect: 'status',
      openLoop: true,
    };
    const attackSpec: LoadSpec = { origin: server.origin, connections: 1, durationSec, requests: [graphqlPost(attack, ctx.key.headers)] };
    const attacker = await LoadClient.start();
    ctx.log(`  attack: ${describeAttack(shape)}, ${(attack.length / 1e6).toFixed(2)} MB`);

    const measure = async (withAttack: boolean): Promise<Round> => {
      if (ctx.settings.warmupSec > 0) await ctx.load.run(irisSpec(ctx.settings.warmupSec));
      await server.metrics(); // resets the event-loop histogram: the next scrape reads this window
      const [load, probe, attackResult] = await Promise.all([
        ctx.load.run(irisSpec(durationSec)),
        ctx.probe.run(probeSpec),
        withAttack ? attacker.runUnchecked(attackSpec) : Promise.resolve(undefined),
      ]);
      const eventLoopP99Ms = sampleValue(await server.metrics(), 'nodejs_eventloop_lag_p99_seconds') * 1000;
      return {
        iris: { throughput: load.responsesPerSec, requestsPerSec: load.responsesPerSec, latencyMs: load.latencyMs },
        probe,
        eventLoopP99Ms,
        attack: attackResult,
      };
    };

    const quiet: Round[] = [];
    const attacked: Round[] = [];
    try {
      for (let round = 0; round < ctx.settings.rounds; round += 1) {
        // Alternate the order, so drift on a noisy machine hits both sides alike.
        const order = round % 2 === 0 ? [false, true] : [true, false];
        for (const withAttack of order) (withAttack ? attacked : quiet).push(await measure(withAttack));
        const q = quiet.at(-1)!;
        const a = attacked.at(-1)!;
        ctx.log(
          `  round ${round + 1}/${ctx.settings.rounds}: iris ${fixed(q.iris.throughput, 0)} → ${fixed(a.iris.throughput, 0)} req/s; /healthz p99 ${fixed(q.probe.latencyMs.p99, 1)} → ${fixed(a.probe.latencyMs.p99, 1)} ms; ` +
            `event loop p99 ${fixed(q.eventLoopP99Ms, 1)} → ${fixed(a.eventLoopP99Ms, 1)} ms; attack ${a.attack!.responses} answered, ${a.attack!.failures} refused, mean ${fixed(a.attack!.latencyMs.mean, 0)} ms`,
        );
      }
    } finally {
      await attacker.stop();
      await own?.stop();
    }

    const probeSample = (r: Round): Sample => ({
      throughput: r.probe.responsesPerSec,
      requestsPerSec: r.probe.responsesPerSec,
      latencyMs: r.probe.latencyMs,
      extra: { eventLoopP99Ms: r.eventLoopP99Ms, unanswered: r.probe.unanswered ?? 0 },
    });
    const attackSample = (r: Round): Sample => ({
      throughput: r.attack!.responsesPerSec,
      requestsPerSec: r.attack!.responsesPerSec,
      latencyMs: r.attack!.latencyMs,
      extra: { refused: r.attack!.failures },
    });
    const irisName = `iris x1 c${CONNECTIONS}`;
    const measurements = [
      summarise(
        { name: `${irisName} alone`, description: `single-instance iris predicts, ${CONNECTIONS} at a time, no attack`, unit: 'req/s' },
        quiet.map((r) => r.iris),
      ),
      summarise(
        { name: `${irisName} under attack`, description: 'the same, while one client sends the attack back to back', unit: 'req/s' },
        attacked.map((r) => r.iris),
      ),
      summarise(
        { name: 'healthz alone', description: `GET /healthz at ${PROBE_RATE}/s beside the iris load`, unit: 'req/s' },
        quiet.map(probeSample),
      ),
      summarise(
        { name: 'healthz under attack', description: `GET /healthz at ${PROBE_RATE}/s beside the iris load and the attack`, unit: 'req/s' },
        attacked.map(probeSample),
      ),
      summarise(
        { name: 'attack', description: 'the attacking client: answered requests (refusals counted apart)', unit: 'req/s' },
        attacked.map(attackSample),
      ),
    ];
    const healthP99 = median(attacked.map((r) => r.probe.latencyMs.p99));
    const goal = { op: '<=' as const, target: 50 };
    const facts: FactResult[] = [
      {
        name: '/healthz p99 under attack',
        description:
          'client-side latency of an open-loop probe (sent every 20 ms, answered or not; unanswered ones count with their wait) while the attack and the iris load run',
        value: healthP99,
        unit: 'ms',
        rounds: attacked.map((r) => r.probe.latencyMs.p99),
        goal,
        met: checkGoal(healthP99, goal),
      },
      {
        name: 'event-loop delay p99 under attack',
        description: "nodejs_eventloop_lag_p99_seconds over the attacked window (includes the monitor's 10 ms resolution)",
        value: median(attacked.map((r) => r.eventLoopP99Ms)),
        unit: 'ms',
      },
      { name: 'attack body', description: describeAttack(shape), value: attack.length / 1e6, unit: 'MB' },
    ];
    const throughput = pairedRatio(
      attacked.map((r) => r.iris.throughput),
      quiet.map((r) => r.iris.throughput),
    );
    const health = pairedRatio(
      attacked.map((r) => r.probe.latencyMs.p99),
      quiet.map((r) => r.probe.latencyMs.p99),
    );
    const refused = attacked.reduce((sum, r) => sum + r.attack!.failures, 0);
    return {
      measurements,
      ratios: [
        {
          name: 'iris throughput under attack / alone',
          description: 'other clients keep at least half their throughput',
          ...throughput,
          goal: { op: '>=', target: 0.5 },
          met: checkGoal(throughput.value, { op: '>=', target: 0.5 }),
        },
        { name: '/healthz p99 under attack / alone', description: 'probe latency with the attack against without', ...health },
      ],
      facts,
      notes:
        refused > 0
          ? [
              `${refused} attack requests were refused (first: ${attacked.find((r) => r.attack?.failureSample)?.attack?.failureSample?.slice(0, 200)}): the limits cut the attack before it ran.`,
            ]
          : [],
    };
  },
};
