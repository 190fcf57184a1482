/**
 * Review sentiment: type a review, see its label with every class's probability as bars, and the
 * label of each sentence. One request: the review and its sentences are two fields of one query.
 */
import { ReviewSentimentDocument } from '../../../client/src/operations.js';
import { fill, h, percent, probabilityBars } from './dom.js';
import { type DemoGateway, errorList } from './gateway.js';

const SAMPLES = [
  { name: 'Loved it', text: 'I loved this movie. The acting was wonderful and the ending made me smile!' },
  { name: 'Mixed', text: 'The first hour was boring. But the last act was brilliant and very moving.' },
  { name: 'Hated it', text: 'This was not good at all. The plot was a mess and I wanted my money back.' },
];
const MAX_SENTENCES = 50;

export function mountSentimentPanel(panel: HTMLElement, gateway: DemoGateway, description?: string): void {
  const review = h('textarea', {
    id: 'review',
    rows: 5,
    maxlength: 5000,
    placeholder: 'Write or paste a movie review…',
    'data-testid': 'review-input',
  });
  const analyze = h('button', { class: 'primary', type: 'submit', 'data-testid': 'analyze' }, 'Analyze sentiment');
  const result = h('div', { class: 'result', 'aria-live': 'polite', 'data-testid': 'sentiment-result' });

  const run = async () => {
    const text = review.value.trim();
    if (text === '') return fill(result, h('p', { class: 'hint' }, 'Type a review first.'));
    analyze.disabled = true;
    const { data, errors } = await gateway.run(ReviewSentimentDocument, { review: text, sentences: sentencesOf(text) });
    analyze.disabled = false;
    const verdict = data?.review;
    const sentences = data?.sentences ?? [];
    fill(
      result,
      verdict &&
        h(
          'div',
          { class: 'card' },
          h(
            'div',
            { class: 'verdict' },
            h('span', { class: `pill tone-${verdict.label.toLowerCase()}`, 'data-testid': 'sentiment-label' }, verdict.label),
            h('span', { class: 'muted' }, `${percent(verdict.score)} confident`),
          ),
          probabilityBars(verdict.scores, { highlight: verdict.label, testId: 'sentiment-bars' }),
        ),
      sentences.length > 1 &&
        h(
          'div',
          { class: 'card' },
          h('h3', {}, 'Sentence by sentence'),
          h(
            'ol',
            { class: 'sentences' },
            ...sentences.map((sentence) =>
              h(
                'li',
                {},
                h('span', { class: `dot tone-${sentence.label.toLowerCase()}`, title: `${sentence.label} ${percent(sentence.score)}` }),
                sentence.text,
              ),
            ),
          ),
        ),
      errorList(errors),
    );
  };

  const form = h(
    'form',
    {
      class: 'stack',
      onsubmit: (event: Event) => {
        event.preventDefault();
        void run();
      },
    },
    review,
    h(
      'div',
      { class: 'row' },
      analyze,
      h('span', { class: 'muted' }, 'Try:'),
      ...SAMPLES.map((sample) =>
        h(
          'button',
          {
            type: 'button',
            class: 'chip',
            onclick: () => {
              review.value = sample.text;
              void run();
            },
          },
          sample.name,
        ),
      ),
    ),
  );
  fill(
    panel,
    h('h2', {}, 'How does a review feel?'),
    description && h('p', { class: 'description' }, firstSentence(description)),
    h('div', { class: 'columns' }, form, result),
  );
}

/** Sentences for the per-sentence breakdown (the model scores each; the review is scored whole too). */
export function sentencesOf(text: string): string[] {
  return text
    .split(/(?<=[.!?…])\s+/)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence !== '')
    .slice(0, MAX_SENTENCES);
}

export function firstSentence(text: string): string {
  const end = text.search(/\.(\s|$)/);
  return end < 0 ? text : text.slice(0, end + 1);
}
