import 'reflect-metadata';
import { ConfigError, loadConfig } from '@ironic-metadata/config';
import { buildContainer, TYPES } from '@ironic-metadata/container';
import { MetadataApp } from './app/metadata-app';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`ironic-metadata: ${error.message}\n`);
    process.exit(2);
  }
  const container = buildContainer(config);
  container.bind(MetadataApp).toSelf();
  const logger = container.get(TYPES.Logger);
  const catalog = container.get(TYPES.NodeCatalog);
  try {
    await catalog.refresh();
  } catch (error) {
    process.stderr.write(`ironic-metadata: cannot load nodes: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const app = container.get(MetadataApp).create();
  const server = app.listen(config.bindPort, config.bindAddr);
  server.on('error', (error: NodeJS.ErrnoException) => {
    process.stderr.write(`ironic-metadata: cannot listen on ${config.bindAddr}:${config.bindPort}: ${error.message}\n`);
    process.exit(1);
  });
  server.on('listening', () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.bindPort;
    logger.info(`serving metadata for ${catalog.source.description} on http://${config.bindAddr.includes(':') ? `[${config.bindAddr}]` : config.bindAddr}:${port}`, { nodes: catalog.current()?.size, port });
  });
  const stop = () => server.close(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

void main();
