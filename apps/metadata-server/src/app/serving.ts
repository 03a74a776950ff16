import type { Config } from '@ironic-metadata/config';
import { TYPES, type ContainerOverrides } from '@ironic-metadata/container';
import { InventoryFileError, type NodeCatalog } from '@ironic-metadata/node-discovery';
import type { Container } from 'inversify';
import type { Server } from 'node:http';
import { ConnectionGuard } from './connection-guard';
import { listen } from './listen';
import { MetadataListener } from './metadata-listener';
import type { ConnectionCaps } from './open-file-limit';
import { buildServiceContainer } from './service-container';
import { SERVICE_METRICS } from './service-metrics';
import { addressWait, fail, filesOrExit } from './startup';

/** The container, with the nodes' listener bound; a file the settings name that cannot be used (VENDOR_DATA_FILE, OS_CACERT, OS_CERT, OS_KEY, IMDS_TOKEN_KEY_FILE) stops start-up (`filesOrExit`). */
export function containerOrExit(config: Config, overrides: ContainerOverrides = {}): Container {
  const container = filesOrExit(() => buildServiceContainer(config, overrides));
  container.bind(MetadataListener).toSelf();
  return container;
}

/**
 * The first load of the nodes. A broken inventory file is the operator's to fix before anything is
 * served: one line, the CLI's, and exit 2 (1 for any other failure). Ironic may be down now and back
 * later: its nodes are retried while the listeners answer 503 (not ready).
 */
export async function loadNodesAtStart(config: Config, catalog: NodeCatalog): Promise<void> {
  if (config.source.kind !== 'file') {
    await catalog.refresh().catch(() => undefined);
    return;
  }
  await catalog
    .refresh({ logFailure: false })
    .catch((error: Error) =>
      error instanceof InventoryFileError ? fail(error.message, 2) : fail(`cannot load nodes: ${error.message}`, 1),
    );
}

/**
 * The nodes' listeners on every BIND_ADDR, behind the connection guard; a listen error stops the
 * process. `waitForAddress` false binds once: a cluster worker, whose primary has already waited.
 */
export function listenForNodes(config: Config, container: Container, caps: ConnectionCaps, waitForAddress = true): Promise<Server[]> {
  const { requestTimeoutSeconds, keepAliveTimeoutSeconds } = config.connections;
  const guard = new ConnectionGuard(
    caps,
    (requestTimeoutSeconds + keepAliveTimeoutSeconds) * 1000,
    container.get(TYPES.TrustedProxies),
    container.get(SERVICE_METRICS),
    container.get(TYPES.Logger),
  );
  const handler = container.get(MetadataListener).handle;
  const wait = Object.assign({}, addressWait(config, 'BIND_ADDR', container.get(TYPES.Logger)), waitForAddress ? {} : { waitMs: 0 });
  return Promise.all(config.bindAddrs.map((address) => listen(handler, address, config.bindPort, wait, config.connections, guard))).catch(
    (error: Error) => fail(error.message, 1),
  );
}
