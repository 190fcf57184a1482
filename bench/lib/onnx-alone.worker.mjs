// A worker thread does not inherit tsx's loader (as in src/runtime/inference.worker.dev.mjs): register it, then load the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./onnx-alone.worker.ts');
