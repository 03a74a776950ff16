import type { LeftAside, MetaData, NetworkData } from '@ironic-metadata/ironic-model';

/**
 * Nova's meta_data.json as a config drive carries it (`metaDataSchema`). Keys this model does not name are kept.
 *
 * @public
 */
export type ConfigDriveMetaData = MetaData;

/**
 * One config drive, whatever form it was stored in.
 *
 * @public
 */
export interface ConfigDrive {
  /** `openstack/<version>/meta_data.json`. */
  metaData: ConfigDriveMetaData;
  /**
   * `user_data` exactly as stored: it may be binary or gzip. Read, never written to: drives that carry
   * the same user_data may share these bytes (the node catalog keeps one copy of each).
   */
  userData?: Buffer;
  /** What the service reads of `network_data.json` (`readNetworkData`); unusable values left aside. */
  networkData?: NetworkData;
  /** `network_data.json` as the drive holds it, odd values and unknown keys included: what is served. */
  storedNetworkData?: unknown;
  /** `vendor_data.json`. */
  vendorData?: unknown;
  /** `vendor_data2.json` (Ironic writes a JSON config drive's `vendor_data` here). */
  vendorData2?: unknown;
  /** `meta_data.public_keys`, `{name: key}`. */
  publicKeys: Record<string, string>;
  /**
   * Values the service cannot use and left out of `metaData` and `networkData` (never out of what is
   * served as stored), e.g. `network_data.networks[0].ip_address`; empty when none.
   */
  leftAside: LeftAside[];
}

/**
 * The JSON form Ironic accepts at deploy time (`PUT /v1/nodes/{id}/states/provision`) and keeps as
 * given in `instance_info.configdrive`.
 *
 * @public
 */
export interface ConfigDriveJson {
  meta_data?: Record<string, unknown>;
  network_data?: unknown;
  /** Ironic JSON-encodes an object or a list; a string is used as is. */
  user_data?: Record<string, unknown> | unknown[] | string | null;
  vendor_data?: unknown;
}

/**
 * Fetches a config drive URL. Injected by the caller so the codec stays free of I/O; it must give up
 * after `timeoutMs` and refuse bodies larger than `maxBytes`.
 *
 * @public
 */
export type ConfigDriveFetcher = (url: string, limits: { maxBytes: number; timeoutMs: number }) => Promise<Buffer>;

/**
 * How {@link decodeConfigDrive} reads a value: the fetcher for URLs and the limits on what it accepts.
 *
 * @public
 */
export interface DecodeOptions {
  /** Needed only for config drives stored as URLs. */
  fetcher?: ConfigDriveFetcher;
  /** Largest image accepted, decoded or fetched; the deploy agent's own cap is 64 MiB (the default). */
  maxBytes?: number;
  /** How long a URL fetch may take; 10 s by default. */
  timeoutMs?: number;
}
