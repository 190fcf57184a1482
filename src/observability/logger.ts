/**
 * The gateway's logger: pino's JSON lines on stdout (what production ships and log collectors and tests
 * read), or, with LOG_FORMAT=pretty (the default in development on a terminal), one readable line per
 * entry from pino-pretty: time, level, message, then the entry's fields.
 *
 * pino-pretty is a dev dependency, imported only when asked for, so a production install without dev
 * dependencies never needs it (and production refuses LOG_FORMAT=pretty). It runs as a synchronous
 * stream rather than as a pino transport: a transport formats on a worker thread, and main.ts exits
 * right after the shutdown lines, which must not be lost; in development the main thread can spare it.
 */
import pino, { type Logger } from 'pino';

export type LogFormat = 'json' | 'pretty';

export interface LoggerOptions {
  readonly level: string;
  readonly format: LogFormat;
  /** Fields added to every entry (the current trace's ids, when tracing is on). */
  readonly mixin?: () => object;
}

export async function createLogger(options: LoggerOptions): Promise<Logger> {
  const settings = { level: options.level, base: { service: 'onnx-graphql-gateway' }, ...(options.mixin ? { mixin: options.mixin } : {}) };
  if (options.format === 'json') return pino(settings);
  const { default: pretty } = await import('pino-pretty');
  // Colours when stdout is a terminal (pino-pretty's default); each entry's fields on its own line.
  return pino(settings, pretty({ sync: true, singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' }));
}
