import type { IronicAuthOptions } from '@ironic-metadata/ironic-client';
import { settingsDisagreement } from './settings-agreement';
import { SETTINGS, type AuthType, type LogLevel, type SettingValues } from './settings';

export { LOG_LEVELS, type LogLevel } from './settings';

// Each field's meaning, default and accepted text are in the settings table (settings.ts), under the
// variable named here; these comments say only what the typed value adds.

/** Where nodes come from: the real Ironic API, or an inventory file shaped like its answers (`INVENTORY_FILE`). */
export type NodeSourceConfig =
  | {
      kind: 'ironic';
      /** `IRONIC_URL`; undefined only with Keystone auth, whose catalog then names it. */
      url?: string;
      /** `OS_AUTH_TYPE` and the `OS_*` credentials, as the Ironic client takes them. */
      auth: IronicAuthOptions;
      /** `OS_CACERT`, `OS_CERT`, `OS_KEY`; undefined when none is set. */
      tls?: IronicTlsFiles;
      /** `IRONIC_PAGE_SIZE`. */
      pageSize: number;
      /** `IRONIC_CONDUCTOR_GROUP`. */
      conductorGroup?: string;
      /** `IRONIC_SHARD`. */
      shard?: string;
    }
  | { kind: 'file'; path: string };

/** PEM files for TLS to Ironic and Keystone, as the OpenStack CLI's `OS_CACERT`, `OS_CERT` and `OS_KEY` name them. */
export interface IronicTlsFiles {
  /** CA certificates to trust instead of Node's store. */
  caFile?: string;
  /** A client certificate (holding its key too, unless {@link keyFile} is given). */
  certFile?: string;
  keyFile?: string;
}

export interface Config {
  source: NodeSourceConfig;
  /** `BIND_ADDR`. */
  bindAddrs: string[];
  /** `BIND_PORT`. */
  bindPort: number;
  /** `ADMIN_BIND_ADDR`. */
  adminBindAddr: string;
  /** `ADMIN_BIND_PORT`. */
  adminBindPort: number;
  /** `BIND_WAIT_SECONDS`. */
  bindWaitSeconds: number;
  /** `TRUSTED_PROXIES`, as CIDRs. */
  trustedProxies: string[];
  /** `ALLOWED_CLIENTS`, as CIDRs; empty: every client. */
  allowedClients: string[];
  /** `METADATA_PROXY_SHARED_SECRET`. */
  proxySharedSecret?: string;
  /** `RATE_LIMIT_PER_CLIENT`. */
  rateLimitPerClient: number;
  /** `STALE_BUDGET_SECONDS`. */
  staleBudgetSeconds: number;
  /** `LOG_LEVEL`, lower case. */
  logLevel: LogLevel;
  /** `LEASE_FILE`. */
  leaseFile: string;
  /** `IMDS_TOKEN_REQUIRED`. */
  imdsTokenRequired: boolean;
  /** `IMDS_TOKEN_KEY_FILE`. */
  imdsTokenKeyFile?: string;
  /** `MATCH_NODE_NAME`. */
  matchNodeName: boolean;
  /** `DEFAULT_AVAILABILITY_ZONE`. */
  defaultAvailabilityZone: string;
  /** `REGION`. */
  region: string;
  /** `SYNC_INTERVAL_SECONDS`. */
  syncIntervalSeconds: number;
  /** `METADATA_PASSWORD_WRITE`. */
  passwordWrite: boolean;
  vendorData: VendorDataConfig;
  /** `OPTIMIZE_FOR`. */
  optimizeFor: 'memory' | 'speed';
  /** `WORKERS`; undefined (`0`): one per core (`os.availableParallelism()`). */
  workers?: number;
  connections: ConnectionConfig;
  /** `SITE_ID`. */
  siteId?: string;
  /** `VERIFY_CLIENT_MAC`. */
  verifyClientMac: boolean;
}

/** Limits on the nodes' connections, so that no client starves the others or the process of descriptors. */
export interface ConnectionConfig {
  /** `MAX_CONNECTIONS`; 0: derived from the open-file limit. */
  maxConnections: number;
  /** `MAX_CONNECTIONS_PER_CLIENT`; 0: derived from the total. */
  maxConnectionsPerClient: number;
  /** `REQUEST_TIMEOUT_SECONDS` (Node's headersTimeout and requestTimeout). */
  requestTimeoutSeconds: number;
  /** `KEEPALIVE_TIMEOUT_SECONDS` (Node's keepAliveTimeout). */
  keepAliveTimeoutSeconds: number;
}

/** Nova's vendor data: a static document, and DynamicJSON targets asked per instance. */
export interface VendorDataConfig {
  /** `VENDOR_DATA_FILE`. */
  staticFile?: string;
  /** `VENDOR_DATA_DYNAMIC_TARGETS`, parsed. */
  dynamicTargets: { name: string; url: string }[];
  /** `VENDOR_DATA_DYNAMIC_TIMEOUT_SECONDS`. */
  dynamicTimeoutSeconds: number;
  /** `VENDOR_DATA_DYNAMIC_FAILURE_FATAL`. */
  dynamicFailureFatal: boolean;
}

/**
 * The `code` of every error this package throws, stable across releases: `CONFIG_INVALID`, a
 * configuration value that is missing or malformed ({@link ConfigError}).
 */
export type ConfigErrorCode = ConfigError['code'];

/** A configuration value that is missing or malformed; the message names the variable and the fix. `code` is `CONFIG_INVALID`. */
export class ConfigError extends Error {
  /** Stable code to branch on. */
  readonly code = 'CONFIG_INVALID';

  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** A field of {@link Config} as a dotted path, e.g. `connections.maxConnections` or `source.auth.username`. */
export type ConfigField = FieldPath<Config>;
type Leaf = string | number | boolean | readonly unknown[] | undefined;
// Distributes over unions, so every variant's fields are paths (source.path, source.url, source.auth.username...).
type FieldPath<T> = T extends Leaf
  ? never
  : { [K in keyof T & string]-?: NonNullable<T[K]> extends Leaf ? K : `${K}.${FieldPath<NonNullable<T[K]>>}` }[keyof T & string];

/**
 * The configuration from the environment, each setting of {@link SETTINGS} parsed into the field it
 * fills; `overrides` (what a command line sets) win over `env`. The only reader of `process.env`;
 * everything else receives the typed Config. An empty value counts as unset.
 * @throws ConfigError naming the first setting that is wrong and what it expects, or the settings that contradict one another.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: SettingValues = {}): Config {
  const draft: Record<string, unknown> = {};
  for (const setting of SETTINGS) {
    const raw = [overrides[setting.name], env[setting.name]].find((value) => value !== undefined && value !== '');
    const text = raw ?? ('default' in setting ? setting.default : undefined);
    if (text === undefined) continue;
    const parsed = setting.parse.safeParse(text);
    if (!parsed.success) throw new ConfigError(`invalid configuration: ${setting.name}: ${parsed.error.issues[0].message}`);
    fill(draft, setting.field, parsed.data);
  }
  const { source, ...rest } = draft;
  const disagreement = settingsDisagreement(rest as Omit<Config, 'source'>);
  if (disagreement) throw new ConfigError(`invalid configuration: ${disagreement}`);
  // eslint-disable-next-line no-restricted-syntax -- once, at start; Object.assign would leave this many keys in dictionary mode (eslint.config.mjs)
  return { ...(rest as Omit<Config, 'source'>), source: nodeSource(source as SourceFields) };
}

function fill(target: Record<string, unknown>, field: string, value: unknown): void {
  const [head, ...tail] = field.split('.');
  if (tail.length === 0) {
    target[head] = value;
    return;
  }
  target[head] ??= {};
  fill(target[head] as Record<string, unknown>, tail.join('.'), value);
}

/** What the `source.*` settings filled, before the rules below pick the kind of source and of auth. */
interface SourceFields {
  path?: string;
  url?: string;
  pageSize: number;
  conductorGroup?: string;
  shard?: string;
  auth: { type: AuthType; userDomainName: string; projectDomainName: string; interface: 'public' | 'internal' | 'admin' } & Partial<
    Record<'username' | 'password' | 'authUrl' | 'projectName' | 'projectId' | 'regionName', string>
  >;
  tls?: IronicTlsFiles;
}

/** An inventory file when INVENTORY_FILE is set, else Ironic; an inventory file holds one site's nodes already, so Ironic's filters would silently do nothing. */
function nodeSource(fields: SourceFields): NodeSourceConfig {
  if (fields.path !== undefined) {
    const filter = fields.conductorGroup !== undefined ? 'IRONIC_CONDUCTOR_GROUP' : fields.shard !== undefined ? 'IRONIC_SHARD' : undefined;
    if (filter)
      throw new ConfigError(
        `invalid configuration: ${filter}: filters Ironic's nodes, but INVENTORY_FILE is set; unset one of them (an inventory file lists one site's nodes itself)`,
      );
    return { kind: 'file', path: fields.path };
  }
  const auth = ironicAuth(fields.auth);
  // With Keystone the catalog names the endpoint; otherwise Ironic's usual local address.
  const url = fields.url ?? (auth.type === 'keystone' ? undefined : 'http://localhost:6385');
  const tls = ironicTls(fields.tls);
  return {
    kind: 'ironic',
    url,
    auth,
    pageSize: fields.pageSize,
    conductorGroup: fields.conductorGroup,
    shard: fields.shard,
    ...(tls ? { tls } : {}),
  };
}

function ironicAuth(fields: SourceFields['auth']): IronicAuthOptions {
  const required = (value: string | undefined, name: string, alternative = ''): string => {
    if (!value) throw new ConfigError(`invalid configuration: ${name}: required when OS_AUTH_TYPE is ${fields.type}${alternative}`);
    return value;
  };
  switch (fields.type) {
    case 'none':
    case 'noauth':
      return { type: 'none' };
    case 'http_basic':
      return { type: 'http_basic', username: required(fields.username, 'OS_USERNAME'), password: required(fields.password, 'OS_PASSWORD') };
    case 'password':
    case 'v3password': {
      const project = fields.projectId
        ? { projectId: fields.projectId }
        : { projectName: required(fields.projectName, 'OS_PROJECT_NAME', ' (or give OS_PROJECT_ID)') };
      return {
        type: 'keystone',
        authUrl: required(fields.authUrl, 'OS_AUTH_URL'),
        username: required(fields.username, 'OS_USERNAME'),
        password: required(fields.password, 'OS_PASSWORD'),
        ...project,
        userDomainName: fields.userDomainName,
        projectDomainName: fields.projectDomainName,
        regionName: fields.regionName,
        interface: fields.interface,
      };
    }
  }
}

/** A key alone cannot be used; a certificate alone may hold its key (as keystoneauth reads OS_CERT). */
function ironicTls(files: IronicTlsFiles | undefined): IronicTlsFiles | undefined {
  if (!files) return undefined;
  if (files.keyFile !== undefined && files.certFile === undefined) {
    throw new ConfigError(
      `invalid configuration: OS_KEY: is the key of a client certificate, but OS_CERT is not set; set OS_CERT to the certificate file, or unset OS_KEY`,
    );
  }
  return files;
}
