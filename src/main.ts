/**
 * Entry point: reads the configuration, starts the gateway, stops it cleanly on SIGTERM/SIGINT.
 */
import { ConfigError, loadConfig } from './config/config.js';
import { createGateway } from './server/gateway.js';

/** Oldest supported Node.js line (package.json `engines`); `npm start` runs on the Node 24 pinned there. */
const SUPPORTED_NODE_MAJOR = 22;

async function main(): Promise<void> {
  const config = loadConfig();
  const gateway = await createGateway(config);
  const { logger } = gateway;
  const url = await gateway.listen();
  if (Number(process.versions.node.split('.')[0]) < SUPPORTED_NODE_MAJOR) {
    // It still runs (the bench compares it), but an end-of-life runtime gets no fixes: say so loudly.
    logger.warn(
      { node: process.version },
      `Node.js ${process.version} is not supported (${SUPPORTED_NODE_MAJOR}+ is; \`npm start\` uses the pinned Node 24)`,
    );
  }
  logger.info(
    { url, env: config.env, modelsDir: config.modelsDir, node: process.version },
    `GraphQL endpoint at ${url} (Node.js ${process.version})`,
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stop requested');
    gateway.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  try {
    await gateway.loadModels();
    logger.info({ url }, 'ready: every model loaded or failed');
  } catch {
    await gateway.close();
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(error.message);
  else console.error(error);
  process.exit(1);
});
