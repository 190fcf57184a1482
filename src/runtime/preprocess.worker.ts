/**
 * A preprocessing worker thread: lowers its own priority when asked, loads the handler modules, then
 * runs tasks on request. Whatever a handler costs, it costs this thread, never the main one.
 */
import { getPriority, setPriority } from 'node:os';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import type { FromPreprocessWorker, HandlerResult, PreprocessWorkerInit, ToPreprocessWorker } from './preprocess-pool.js';

type Handler = (input: unknown) => HandlerResult | Promise<HandlerResult>;

const init = workerData as PreprocessWorkerInit;
const port = parentPort!;

lowerPriority(init.niceIncrement);
const handlers = new Map<string, Handler>();
for (const [name, file] of Object.entries(init.handlers)) {
  const module = (await import(pathToFileURL(file).href)) as { handle?: unknown };
  if (typeof module.handle !== 'function')
    throw new Error(`the preprocessing handler ${file} must export a function "handle", but it does not`);
  handlers.set(name, module.handle as Handler);
}
port.postMessage({ kind: 'ready' } satisfies FromPreprocessWorker);

port.on('message', (message: ToPreprocessWorker) => {
  Promise.resolve()
    .then(() => handlers.get(message.handler)!(message.input))
    .then(
      ({ output, transfer }) =>
        port.postMessage({ kind: 'result', id: message.id, output } satisfies FromPreprocessWorker, [...(transfer ?? [])]),
      (error: unknown) =>
        port.postMessage({
          kind: 'error',
          id: message.id,
          message: error instanceof Error ? error.message : String(error),
        } satisfies FromPreprocessWorker),
    );
});

// On Linux a nice value belongs to a thread, so this lowers this thread only; elsewhere it would lower
// the whole process, so it is left alone. Raising priority back needs privileges, so failures are ignored.
function lowerPriority(increment: number): void {
  if (increment <= 0 || process.platform !== 'linux') return;
  try {
    setPriority(Math.min(19, getPriority() + increment));
  } catch {
    // not permitted here: run at the normal priority
  }
}
