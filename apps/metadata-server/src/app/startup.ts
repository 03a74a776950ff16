import { ConfigError, loadConfig, type Config } from '@ironic-metadata/config';
import { buildContainer, type ContainerOverrides } from '@ironic-metadata/container';
import { TokenKeyFileError, VendorDataError } from '@ironic-metadata/metadata';
import type { Container } from 'inversify';
import { AdminApp } from './admin-app';
import { MetadataListener } from './metadata-listener';

/** One line on stderr, then exit: 2 for a configuration the operator must fix, 1 for the rest. */
export function fail(message: string, code: number): never {
  process.stderr.write(`ironic-metadata: ${message}\n`);
  process.exit(code);
}

export function configOrExit(): Config {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message, 2);
    throw error;
  }
}

/** The container, with both listeners bound; a vendor data or token key file that cannot be used stops start-up. */
export function containerOrExit(config: Config, overrides: ContainerOverrides = {}): Container {
  let container;
  try {
    container = buildContainer(config, overrides);
  } catch (error) {
    if (error instanceof VendorDataError || error instanceof TokenKeyFileError) fail(`invalid configuration: ${error.message}`, 2);
    throw error;
  }
  container.bind(MetadataListener).toSelf();
  container.bind(AdminApp).toSelf();
  return container;
}
