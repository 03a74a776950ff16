import { ConfigError, type Config } from '@ironic-metadata/config';
import type { IronicTlsOptions } from '@ironic-metadata/ironic-client';
import { readTokenKeyFile, TokenKeyFileError, VendorDataError } from '@ironic-metadata/metadata';
import { readIronicTls } from './ironic-tls';
import { readStaticVendorData } from './static-vendor-data';

/** What the files the settings name hold; each undefined when its setting is unset. */
export interface ConfiguredFiles {
  /** VENDOR_DATA_FILE's object. */
  staticVendorData?: Record<string, unknown>;
  /** OS_CACERT, OS_CERT and OS_KEY, for the Ironic client (an Ironic source only). */
  ironicTls?: IronicTlsOptions;
  /** IMDS_TOKEN_KEY_FILE's keys, the signing one first. */
  tokenKeys?: Buffer[];
}

/**
 * Reads and checks every file the settings name, at start-up, so that a bad one stops it rather than
 * the first request. Throws VendorDataError (VENDOR_DATA_FILE), ConfigError (OS_CACERT, OS_CERT,
 * OS_KEY) or TokenKeyFileError (IMDS_TOKEN_KEY_FILE), in that order. A cluster's primary calls it
 * before it starts a worker, whose container reads the files again.
 */
export function readConfiguredFiles(config: Config): ConfiguredFiles {
  const { staticFile } = config.vendorData;
  return {
    staticVendorData: staticFile ? readStaticVendorData(staticFile) : undefined,
    ironicTls: config.source.kind === 'ironic' ? readIronicTls(config.source.tls) : undefined,
    tokenKeys: config.imdsTokenKeyFile ? readTokenKeyFile(config.imdsTokenKeyFile) : undefined,
  };
}

/**
 * The one line that names what is wrong with a file the settings name, for an error that
 * `readConfiguredFiles` (or `buildContainer`) threw; undefined for any other error. The server and
 * the CLI print the same line.
 */
export function configuredFileProblem(error: unknown): string | undefined {
  if (error instanceof VendorDataError || error instanceof TokenKeyFileError) return `invalid configuration: ${error.message}`;
  // Its message already begins "invalid configuration: " (ironic-tls).
  if (error instanceof ConfigError) return error.message;
  return undefined;
}
