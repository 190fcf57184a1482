/**
 * Each schema the live schema would serve is assembled with the typed fields' specs and passes the
 * same root-field check as the resolvers' schema at start-up.
 */
import { GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { describe, expect, it } from 'vitest';
import { applyPermissions } from '../auth/permissions.js';
import { ModelRegistry } from '../models/registry.js';
import { scanRepository } from '../models/repository.js';
import { InferencePool } from '../runtime/inference-pool.js';
import { modelField } from '../tasks/predict/definition.js';
import { PredictService } from '../tasks/predict/predict-service.js';
import { parseManifest } from '../tasks/registry.js';
import { withTypedModelFields } from './live-schema.js';
import { buildBundledSchema } from './print-schema.js';

// A registry that is never started: building fields touches no model.
const registry = new ModelRegistry({ backend: new InferencePool({ workers: 1 }) });
const predict = new PredictService(registry);
const bundled = scanRepository('models', parseManifest);

/** The served schema for the bundled models, without its typed fields (they are added again below). */
async function baseSchema(): Promise<GraphQLSchema> {
  const schema = await buildBundledSchema();
  const query = schema.getQueryType()!.toConfig();
  const fields = Object.fromEntries(Object.entries(query.fields).filter(([name]) => !/^predict./.test(name)));
  return new GraphQLSchema({ ...schema.toConfig(), query: new GraphQLObjectType({ ...query, fields }), types: [] });
}

describe('withTypedModelFields', () => {
  it('adds each typed field with the spec its task kind declares, and result types the permissions open', async () => {
    const { schema } = withTypedModelFields(await baseSchema(), bundled, predict);
    const fields = schema.getQueryType()!.getFields();
    expect(fields.predictIris.extensions.rootField).toEqual(modelField('iris'));
    expect(fields.predictDemandForecast.extensions.rootField).toEqual(modelField('demand-forecast'));
    // digits restricts its scopes and does not ask: no field reveals it.
    expect(fields.predictDigits).toBeUndefined();
    expect(['IrisPrediction', 'IrisClassProbability', 'DemandForecastPrediction'].map((name) => schema.getType(name)?.extensions)).toEqual([
      { openResult: true },
      { openResult: true },
      { openResult: true },
    ]);
    expect(() => applyPermissions(schema, { registry })).not.toThrow();
  });

  it('refuses an assembled schema with a root field that has no permission rule, naming it', async () => {
    const base = await baseSchema();
    const query = base.getQueryType()!.toConfig();
    const hidden = new GraphQLSchema({
      ...base.toConfig(),
      query: new GraphQLObjectType({ ...query, fields: { ...query.fields, hidden: { type: GraphQLString } } }),
      types: [],
    });
    expect(() => withTypedModelFields(hidden, bundled, predict)).toThrow(/Query\.hidden has no permission rule/);
  });

  it("gives the result root types of its own, so wrapping their resolvers in place (the tracing) leaves the base's alone", async () => {
    const base = await baseSchema();
    const resolvers = () =>
      [base.getQueryType()!, base.getMutationType()!].flatMap((type) => Object.values(type.getFields()).map((field) => field.resolve));
    const before = resolvers();
    for (const listed of [bundled, []]) {
      const { schema } = withTypedModelFields(base, listed, predict);
      expect(schema.getQueryType()).not.toBe(base.getQueryType());
      expect(schema.getMutationType()).not.toBe(base.getMutationType());
      for (const type of [schema.getQueryType()!, schema.getMutationType()!])
        for (const field of Object.values(type.getFields())) field.resolve = () => 'wrapped';
    }
    expect(resolvers()).toEqual(before);
  });
});
