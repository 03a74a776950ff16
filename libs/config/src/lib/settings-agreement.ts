import type { Config } from './config';
import { listenerConflict } from './listeners';

/**
 * What is wrong when settings that are each valid contradict one another: listeners that would take
 * the same socket ({@link listenerConflict}), or a per-client connection cap above the total one.
 * @returns the problem, starting with the setting to change; undefined when they agree.
 */
export function settingsDisagreement(config: Omit<Config, 'source'>): string | undefined {
  const { maxConnections, maxConnectionsPerClient } = config.connections;
  if (maxConnections > 0 && maxConnectionsPerClient > maxConnections) {
    return `MAX_CONNECTIONS_PER_CLIENT: ${maxConnectionsPerClient} is more than MAX_CONNECTIONS (${maxConnections}), the connections of all clients together; set it to at most ${maxConnections}, or 0 to derive it`;
  }
  return listenerConflict([
    ...config.bindAddrs.map((address) => ({ setting: 'BIND_ADDR' as const, address, port: config.bindPort })),
    { setting: 'ADMIN_BIND_ADDR', address: config.adminBindAddr, port: config.adminBindPort },
  ]);
}
