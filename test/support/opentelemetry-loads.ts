/**
 * Run as a process (`node --import tsx test/support/opentelemetry-loads.ts on|off`): builds a gateway
 * with tracing on or off, closes it, and prints the @opentelemetry packages that were loaded, one JSON
 * array on stdout. A process of its own, so nothing else has loaded them before.
 */
import { registerHooks } from 'node:module';

const loaded = new Set<string>();
registerHooks({
  load(url, context, next) {
    const found = /node_modules\/(@opentelemetry\/[^/]+)/.exec(url);
    if (found) loaded.add(found[1]);
    return next(url, context);
  },
});
const { loadConfig } = await import('../../src/config/config.js');
const { createGateway } = await import('../../src/server/gateway.js');
const tracing = process.argv[2] === 'on' ? { OTEL_TRACES_EXPORTER: 'none' } : {};
const gateway = await createGateway(loadConfig({ NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'silent', INFERENCE_WORKERS: '1', ...tracing }));
await gateway.close();
process.stdout.write(JSON.stringify([...loaded].sort()));
