// Development only (tsx, vitest): a worker thread does not inherit tsx's loader, so register it here
// before loading the TypeScript worker entry. Production runs the compiled preprocess.worker.js directly.
import { register } from 'tsx/esm/api';

register();
await import('./preprocess.worker.ts');
