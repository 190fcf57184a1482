/**
 * A model the caller may not call is answered exactly like a model that does not exist (issue 14,
 * item 13), against a production-mode server over real HTTP: same status, same code, and the same
 * bytes apart from the name, whatever else the request gets wrong.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProductionGateway, startProductionGateway } from '../support/production-gateway.js';
import { linearManifest, TempRepository } from '../support/temp-repository.js';
import { linearModel } from '../support/tiny-models.js';

const PIXELS = `[${Array(784).fill(0).join(',')}]`;
const NAME = '@@MODEL@@';

/** Requests that differ only in the model's name; each shape must answer alike for both names. */
const SHAPES: Record<string, (model: string) => string> = {
  'a tensor instance': (model) => `{ predict(model: "${model}", instances: [{ tensor: { values: ${PIXELS} } }]) { label } }`,
  'no instances (an input error a real model would report)': (model) => `{ predict(model: "${model}", instances: []) { label } }`,
  'a version that does not exist': (model) =>
    `{ predict(model: "${model}", version: 99, instances: [{ tensor: { values: ${PIXELS} } }]) { label } }`,
  'features a tensor model refuses': (model) => `{ predict(model: "${model}", instances: [{ features: { x: 1 } }]) { label } }`,
  'beside a field that answers': (model) =>
    `{ p: predict(model: "${model}", instances: [{ tensor: { values: ${PIXELS} } }]) { label } t: __typename }`,
};

describe('a model the caller may not call looks exactly like one that does not exist (production)', () => {
  let gateway: ProductionGateway;
  beforeAll(async () => {
    gateway = await startProductionGateway({
      predict: ['predict', 'models:read'],
      iris: ['predict:iris', 'models:read'],
      digits: ['predict:digits'],
    });
  });
  afterAll(() => gateway.close());

  /** The status and the exact response text, with the model's name replaced by a placeholder. */
  async function answer(query: string, model: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
    const response = await fetch(`${gateway.server.origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query }),
    });
    // The budget's reset counts down with the clock (a second boundary may fall between the two
    // requests): the one value that may differ, and it says nothing about the model.
    const text = (await response.text())
      .split(model)
      .join(NAME)
      .replace(/"resetSeconds":\d+/, '"resetSeconds":"@@SECONDS@@"');
    return { status: response.status, text };
  }

  const callers: Record<string, () => Record<string, string>> = {
    'a predict key': () => gateway.as('predict'),
    'a predict:iris key': () => gateway.as('iris'),
    'no credentials': () => ({}),
  };

  for (const [caller, headers] of Object.entries(callers)) {
    it.each(Object.entries(SHAPES))(
      `${caller}, %s: digits (restricted) answers byte for byte as "nopes" (missing)`,
      async (_shape, query) => {
        const hidden = await answer(query('digits'), 'digits', headers());
        const missing = await answer(query('nopes'), 'nopes', headers());
        expect(hidden).toEqual(missing);
        expect(hidden.text).not.toMatch(/predict:digits/);
      },
    );
  }

  it('says MODEL_NOT_FOUND to a predict key, as for any missing model, and models / model hide it too', async () => {
    const predicted = await answer(SHAPES['a tensor instance']('digits'), 'digits', gateway.as('predict'));
    expect(JSON.parse(predicted.text)).toEqual({
      errors: [
        {
          message: `model "${NAME}" does not exist; the models query lists the available ones`,
          locations: [{ line: 1, column: 3 }],
          path: ['predict'],
          extensions: { model: NAME, code: 'MODEL_NOT_FOUND' },
        },
      ],
      data: { predict: null },
      extensions: { cost: expect.objectContaining({ charged: 0 }) },
    });
    const listed = await gateway.server.gql<{ models: { name: string }[]; digits: unknown; nope: unknown }>(
      '{ models { name } digits: model(name: "digits") { name } nope: model(name: "nopes") { name } }',
      undefined,
      gateway.as('predict'),
    );
    expect(listed.body.data!.models.map((model) => model.name)).not.toContain('digits');
    expect(listed.body.data).toMatchObject({ digits: null, nope: null });
  });

  it('still serves the model to a key with its scope', async () => {
    const response = await gateway.server.gql<{ predict: { label: string }[] }>(
      SHAPES['a tensor instance']('digits'),
      undefined,
      gateway.as('digits'),
    );
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data!.predict).toHaveLength(1);
  });
});

describe('a model whose manifest names its own scope does not show that scope to others (production)', () => {
  let gateway: ProductionGateway;
  const repository = new TempRepository()
    .manifest('clinic-model', linearManifest({ scopes: ['predict:clinic'] }))
    .version('clinic-model', 1, linearModel())
    .manifest('public-model', linearManifest())
    .version('public-model', 1, linearModel());
  beforeAll(async () => {
    gateway = await startProductionGateway({ iris: ['predict:public-model'], clinic: ['predict:clinic'] }, { MODELS_DIR: repository.root });
  });
  afterAll(async () => {
    await gateway.close();
    rmSync(repository.root, { recursive: true, force: true });
  });

  const ask = async (model: string, key: string) => {
    const response = await fetch(`${gateway.server.origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...gateway.as(key) },
      body: JSON.stringify({ query: `{ predict(model: "${model}", instances: [{ features: { a: 1, b: 2 } }]) { label } }` }),
    });
    return { status: response.status, text: (await response.text()).split(model).join(NAME) };
  };

  it('names predict:<name> in the denial, as for a missing model, never the manifest\'s "predict:clinic"', async () => {
    const hidden = await ask('clinic-model', 'iris');
    expect(hidden).toEqual(await ask('nope-models0', 'iris'));
    expect(hidden.text).not.toContain('clinic');
    expect(JSON.parse(hidden.text).errors[0]).toMatchObject({
      message: `Query.predict needs scope "predict:${NAME}", which this caller does not have`,
      extensions: { code: 'FORBIDDEN' },
    });
    expect(JSON.parse((await ask('clinic-model', 'clinic')).text).errors).toBeUndefined();
  });
});
