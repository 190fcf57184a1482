/** What each model builder returns: its quality on held-out data, printed by `npm run models:build`. */
export interface BuildReport {
  model: string;
  /** Held-out metrics, e.g. `{ accuracy: 0.967, testItems: 30 }`. */
  metrics: Record<string, number | string>;
  /** One line on the data it was trained on. */
  data: string;
}

export type ModelBuilder = () => Promise<BuildReport> | BuildReport;
