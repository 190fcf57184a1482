/**
 * The predict kind: tabular and tensor models, classifiers and regressors, behind `predict(model:)`
 * (and the per-model fields generated from the model list, see `modelField`).
 */
import { predictScope } from '../../auth/principal.js';
import type { Task } from '../../models/manifest.js';
import type { ModelFieldSpec, TaskDefinition } from '../definition.js';

/** Instances are the items: one per element of `instances`. */
const INSTANCES = { per: 'element', argument: 'instances' } as const;

export const PREDICT: TaskDefinition = {
  kind: 'predict',
  tasks: ['tabular-classification', 'tabular-regression', 'tensor-classification', 'tensor-regression'],
  manifestRules(m, check) {
    check.requireSingleInput();
    if (m.task === 'tabular-classification' || m.task === 'tabular-regression') {
      const shape = m.inputs[0].shape;
      if (!m.features) check.issue(['features'], `is required for task ${m.task}`);
      else {
        if (new Set(m.features).size !== m.features.length) check.issue(['features'], 'must not repeat a feature name');
        if (shape.length !== 2 || shape[1] !== m.features.length) {
          check.issue(['inputs', 0, 'shape'], `must be [batch, ${m.features.length}] to match the ${m.features.length} features`);
        }
      }
    }
    if (m.task === 'tabular-classification' || m.task === 'tensor-classification') check.requireLabels(0);
  },
  defaultScope: predictScope,
  fields: {
    predict: { model: { argument: 'model' }, use: 'runs', cost: INSTANCES },
  },
};

/** Whether `predict` (and the inference protocol) serve models of `task`. */
export function isPredictTask(task: Task): boolean {
  return PREDICT.tasks.includes(task);
}

/**
 * The spec of a root field generated for one model (`predictIris(instances:, version:)`): authorized
 * as that model, costed by its `instances`. For the schema builder that adds such fields from the
 * model list: put it in the field's `extensions.rootField`.
 */
export function modelField(model: string): ModelFieldSpec {
  return { kind: 'predict', model: { name: model }, use: 'runs', cost: INSTANCES };
}
