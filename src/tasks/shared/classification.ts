/** Turning a classifier's output row into probabilities and a label. */

export interface ClassProbability {
  readonly label: string;
  readonly probability: number;
}

export interface Classification {
  readonly label: string;
  /** Probability of `label`. */
  readonly score: number;
  readonly probabilities: ClassProbability[];
}

/** Numerically stable softmax. */
export function softmax(values: ArrayLike<number>): number[] {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i += 1) if (values[i] > max) max = values[i];
  const exps = Array.from(values, (v) => Math.exp(v - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/** Index of the largest value (the first on ties). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i += 1) if (values[i] > values[best]) best = i;
  return best;
}

/** Labels a row of logits (softmax first) or probabilities. */
export function classify(row: ArrayLike<number>, labels: readonly string[], kind: 'logits' | 'probabilities'): Classification {
  if (row.length !== labels.length) {
    throw new Error(`a classifier's output row must hold one value per label (${labels.length}), but got ${row.length}`);
  }
  const probabilities = kind === 'logits' ? softmax(row) : Array.from(row, Number);
  const best = argmax(probabilities);
  return {
    label: labels[best],
    score: probabilities[best],
    probabilities: labels.map((label, i) => ({ label, probability: probabilities[i] })),
  };
}
