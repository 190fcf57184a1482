/**
 * Iris flowers: four sliders (centimetres) and the species probabilities of both model versions.
 * Each change is one request with two fields, one per version.
 */
import { IrisComparisonDocument } from '../../../client/src/operations.js';
import { fill, h, latestOnly, percent, probabilityBars } from './dom.js';
import { type DemoGateway, errorList } from './gateway.js';
import { firstSentence } from './sentiment-panel.js';

type Feature = 'sepalLength' | 'sepalWidth' | 'petalLength' | 'petalWidth';
type Flower = Record<Feature, number>;

/** The ranges of Fisher's data, where the models have seen flowers. */
const FEATURES: readonly { name: Feature; label: string; min: number; max: number }[] = [
  { name: 'sepalLength', label: 'Sepal length', min: 4.3, max: 7.9 },
  { name: 'sepalWidth', label: 'Sepal width', min: 2.0, max: 4.4 },
  { name: 'petalLength', label: 'Petal length', min: 1.0, max: 6.9 },
  { name: 'petalWidth', label: 'Petal width', min: 0.1, max: 2.5 },
];

const PRESETS: readonly { name: string; flower: Flower }[] = [
  { name: 'A setosa', flower: { sepalLength: 5.1, sepalWidth: 3.5, petalLength: 1.4, petalWidth: 0.2 } },
  { name: 'A versicolor', flower: { sepalLength: 5.9, sepalWidth: 3.0, petalLength: 4.2, petalWidth: 1.5 } },
  { name: 'A virginica', flower: { sepalLength: 6.9, sepalWidth: 3.1, petalLength: 5.4, petalWidth: 2.1 } },
];

export function mountIrisPanel(panel: HTMLElement, gateway: DemoGateway, description?: string): { activate(): void } {
  const flower: Flower = { ...PRESETS[1]!.flower };
  const result = h('div', { class: 'result', 'aria-live': 'polite', 'data-testid': 'iris-result' });
  const sliders = new Map<Feature, { input: HTMLInputElement; output: HTMLOutputElement }>();

  const predict = latestOnly(async (features: Flower) => {
    const { data, errors } = await gateway.run(IrisComparisonDocument, { flower: [{ features }] });
    const cards = [
      { title: 'Neural network (default version)', prediction: data?.latest?.[0] },
      { title: 'Logistic regression (version 1)', prediction: data?.v1?.[0] },
    ];
    fill(
      result,
      ...cards.map(
        ({ title, prediction }) =>
          prediction &&
          h(
            'div',
            { class: 'card' },
            h('h3', {}, title),
            h(
              'div',
              { class: 'verdict' },
              h('span', { class: 'pill tone-species', 'data-testid': 'iris-label' }, prediction.label ?? '?'),
              prediction.score != null && h('span', { class: 'muted' }, `${percent(prediction.score)} probable`),
            ),
            prediction.probabilities &&
              probabilityBars(prediction.probabilities, { highlight: prediction.label ?? undefined, testId: 'iris-probabilities' }),
          ),
      ),
      errorList(errors),
    );
  });

  const show = () => {
    for (const [name, { input, output }] of sliders) {
      input.value = String(flower[name]);
      output.value = `${flower[name].toFixed(1)} cm`;
    }
  };

  const controls = FEATURES.map(({ name, label, min, max }) => {
    const input = h('input', { type: 'range', min, max, step: 0.1, id: `iris-${name}`, 'data-testid': `slider-${name}` });
    const output = h('output', { for: `iris-${name}` });
    input.addEventListener('input', () => {
      flower[name] = Number(input.value);
      show();
      predict({ ...flower });
    });
    sliders.set(name, { input, output });
    return h('label', { class: 'slider' }, h('span', {}, label), input, output);
  });

  const presets = PRESETS.map((preset) =>
    h(
      'button',
      {
        type: 'button',
        class: 'chip',
        onclick: () => {
          Object.assign(flower, preset.flower);
          show();
          predict({ ...flower });
        },
      },
      preset.name,
    ),
  );

  fill(
    panel,
    h('h2', {}, 'Which iris is this?'),
    description && h('p', { class: 'description' }, firstSentence(description)),
    h(
      'div',
      { class: 'columns' },
      h('div', { class: 'stack' }, ...controls, h('div', { class: 'row' }, h('span', { class: 'muted' }, 'Try:'), ...presets)),
      result,
    ),
  );
  show();
  let activated = false;
  return {
    /** The first prediction waits until the tab is opened. */
    activate() {
      if (activated) return;
      activated = true;
      predict({ ...flower });
    },
  };
}
