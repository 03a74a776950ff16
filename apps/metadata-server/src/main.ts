import 'reflect-metadata';
import { ConfigError, loadConfig, type Config } from '@ironic-metadata/config';
import { buildContainer, TYPES } from '@ironic-metadata/container';
import { VendorDataError } from '@ironic-metadata/metadata';
import { MetadataApp } from './app/metadata-app';

function configOrExit(): Config {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`ironic-metadata: ${error.message}\n`);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  const config = configOrExit();
  let container;
  try {
    container = buildContainer(config);
  } catch (error) {
    if (!(error instanceof VendorDataError)) throw error;
    process.stderr.write(`ironic-metadata: invalid configuration: ${error.message}\n`);
    process.exit(2);
  }
  container.bind(MetadataApp).toSelf();
  const logger = container.get(TYPES.Logger);
  const catalog = container.get(TYPES.NodeCatalog);
  if (config.source.kind === 'file') {
    // A broken inventory is the operator's to fix before anything is served.
    await catalog.refresh().catch((error: Error) => {
      process.stderr.write(`ironic-metadata: cannot load nodes: ${error.message}\n`);
      process.exit(1);
    });
  } else {
    // Ironic may be down now and back later: serve 503 (not ready) meanwhile and keep retrying.
    await catalog.refresh().catch(() => undefined);
  }
  catalog.startSync();

  const app = container.get(MetadataApp).create();
  const server = app.listen(config.bindPort, config.bindAddr);
  server.on('error', (error: NodeJS.ErrnoException) => {
    process.stderr.write(`ironic-metadata: cannot listen on ${config.bindAddr}:${config.bindPort}: ${error.message}\n`);
    process.exit(1);
  });
  server.on('listening', () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.bindPort;
    const host = config.bindAddr.includes(':') ? `[${config.bindAddr}]` : config.bindAddr;
    logger.info(`serving metadata for ${catalog.source.description} on http://${host}:${port}`, { ...catalog.status(), port });
  });
  const stop = () => {
    catalog.stopSync();
    server.close(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

void main();
