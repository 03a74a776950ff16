import { isIP } from 'node:net';
import { z } from 'zod';
import { parseCidr } from './cidr';

/** How the service authenticates to Ironic (`OS_AUTH_TYPE`). */
export type IronicAuthConfig =
  | { type: 'none' }
  | { type: 'http_basic'; username: string; password: string }
  | {
      type: 'keystone';
      authUrl: string;
      username: string;
      password: string;
      projectName: string;
      userDomainName: string;
      projectDomainName: string;
      regionName?: string;
    };

/** Where nodes come from: the real Ironic API, or an inventory file shaped like its answers. */
export type NodeSourceConfig =
  | {
      kind: 'ironic';
      /** The API endpoint; unset only with Keystone, whose catalog then names it. */
      url?: string;
      auth: IronicAuthConfig;
      /** Items a page when listing Ironic (its `[api]max_limit` caps it, 1000 by default). */
      pageSize: number;
      /** Only nodes of this conductor group (Ironic API 1.46), so a site's replica indexes its own nodes. */
      conductorGroup?: string;
      /** Only nodes of this shard (Ironic API 1.82). */
      shard?: string;
    }
  | { kind: 'file'; path: string };

export interface Config {
  source: NodeSourceConfig;
  /** Every address the metadata listener binds, e.g. 169.254.169.254 and fe80::a9fe:a9fe%eth0. */
  bindAddrs: string[];
  bindPort: number;
  /** The health, readiness and metrics listener, apart from the nodes' one. */
  adminBindAddr: string;
  adminBindPort: number;
  /** Seconds a listener waits for its address to appear on an interface and leave IPv6 DAD; 0 fails at once. */
  bindWaitSeconds: number;
  /** Proxies whose X-Forwarded-For / X-Real-IP are believed, as CIDRs. */
  trustedProxies: string[];
  /** Only clients in these CIDRs are answered (ALLOWED_CLIENTS); empty: every client. */
  allowedClients: string[];
  /** Nova's `metadata_proxy_shared_secret`: enables X-Instance-ID identification when set. */
  proxySharedSecret?: string;
  /** Requests a second one client address may make; a boot storm of distinct addresses is not throttled. */
  rateLimitPerClient: number;
  /** How long, after Ironic was last reached, known nodes keep being answered from the last index. */
  staleBudgetSeconds: number;
  logLevel: LogLevel;
  /** dnsmasq lease file for the IP -> MAC -> port fallback. */
  leaseFile: string;
  /** Refuse EC2 metadata requests that carry no IMDSv2 session token. */
  imdsTokenRequired: boolean;
  /** The keys IMDSv2 session tokens are signed with, shared by every replica; unset: a key of this process only. */
  imdsTokenKeyFile?: string;
  /** Match a client to a node whose name is its IP address: for testing only. */
  matchNodeName: boolean;
  defaultAvailabilityZone: string;
  /**
   * The region EC2 clients read: `meta-data/placement/region` and the identity document's `region`
   * (`REGION`, default `RegionOne`, Keystone's default region name). botocore and the AWS CLI ignore
   * it and take the availability zone minus its last character instead.
   */
  region: string;
  /** Seconds between background index refreshes. */
  syncIntervalSeconds: number;
  /**
   * Let instances store their password (POST `password`) in the node's `instance_info`, by PATCH to
   * Ironic; also lets the service move passwords earlier versions kept in `extra` there.
   */
  passwordWrite: boolean;
  vendorData: VendorDataConfig;
  /**
   * `memory`: V8 favours memory over speed (--optimize-for-size), measured at 10,000 nodes in a boot
   * storm as a peak RSS of 190 MiB instead of 450-510 MiB, for up to 20% fewer requests a second (tools/bench).
   */
  optimizeFor: 'memory' | 'speed';
  /**
   * Processes answering the nodes on the one port (node:cluster), `WORKERS`; undefined: one per core
   * (`os.availableParallelism()`). 1: no cluster, the one process does everything.
   */
  workers?: number;
  connections: ConnectionConfig;
  /** The site this replica serves (`SITE_ID`): a label on logs, metrics and /readyz. */
  siteId?: string;
  /**
   * Answer a client only when the host's neighbour table (ARP, NDP) gives its address one of the
   * matched node's port MACs: an address taken by another machine on the segment gets 403.
   */
  verifyClientMac: boolean;
}

/** Limits on the nodes' connections, so that no client starves the others or the process of descriptors. */
export interface ConnectionConfig {
  /** Connections all metadata listeners hold together; 0: the open-file limit less a reserve. */
  maxConnections: number;
  /** Connections one client address holds (trusted proxies aside); 0: derived from the total. */
  maxConnectionsPerClient: number;
  /** Seconds a client has to send its request line, headers and body (Node's headersTimeout and requestTimeout). */
  requestTimeoutSeconds: number;
  /** Seconds an idle kept-alive connection stays open (Node's keepAliveTimeout). */
  keepAliveTimeoutSeconds: number;
}

/** Nova's vendor data: a static document, and DynamicJSON targets asked per instance. */
export interface VendorDataConfig {
  /** `vendor_data.json`, and `static` in `vendor_data2.json`; read from VENDOR_DATA_FILE. */
  staticFile?: string;
  /** Nova's `vendordata_dynamic_targets`: `name@http://...`. */
  dynamicTargets: { name: string; url: string }[];
  dynamicTimeoutSeconds: number;
  /** Answer 500 when a target fails (Nova's `vendordata_dynamic_failure_fatal`); else leave it out. */
  dynamicFailureFatal: boolean;
}

export const LOG_LEVELS = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

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

const AUTH_TYPES = ['none', 'noauth', 'http_basic', 'password', 'v3password'] as const;
const TRUE = ['1', 'true', 'yes', 'on'];
const FALSE = ['0', 'false', 'no', 'off'];

const boolean = (fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return fallback;
      const lower = value.toLowerCase();
      if (TRUE.includes(lower)) return true;
      if (FALSE.includes(lower)) return false;
      ctx.addIssue({ code: 'custom', message: `expected true or false, got "${value}"` });
      return z.NEVER;
    });

const integer = (fallback: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return fallback;
      const number = Number(value);
      if (!/^\d+$/.test(value.trim()) || number < min || number > max) {
        ctx.addIssue({ code: 'custom', message: `expected a whole number from ${min} to ${max}, got "${value}"` });
        return z.NEVER;
      }
      return number;
    });

/** A string that must satisfy `accept`; the message says what was expected and what was given. */
const checked = (accept: (value: string) => boolean, expected: string) =>
  z.string().check(
    z.superRefine((value, ctx) => {
      if (!accept(value)) ctx.addIssue({ code: 'custom', message: `expected ${expected}, got "${value}"` });
    }),
  );

const ipAddress = (value: string) => isIP(value) !== 0;
const cidr = (value: string) => parseCidr(value) !== undefined;
/** A comma-separated list whose every item must satisfy `accept`. */
const list = (accept: (value: string) => boolean, expected: string) =>
  z.string().transform((value, ctx) => {
    const items = value.split(',').map((item) => item.trim()).filter(Boolean);
    const bad = items.find((item) => !accept(item));
    if (bad !== undefined) ctx.addIssue({ code: 'custom', message: `expected ${expected}, got "${bad}"` });
    return items;
  });

const httpUrl = checked((value) => /^https?:\/\/[^/\s]+/.test(value) && URL.canParse(value), 'an http:// or https:// URL');

const environmentSchema = z.object({
  IRONIC_URL: httpUrl.optional(),
  IRONIC_PAGE_SIZE: integer(1000, 1, 1000),
  INVENTORY_FILE: z.string().optional(),
  BIND_ADDR: list(ipAddress, 'IPv4 or IPv6 addresses, comma separated').default(['169.254.169.254']),
  BIND_PORT: integer(80, 0, 65535),
  ADMIN_BIND_ADDR: checked(ipAddress, 'an IPv4 or IPv6 address').default('127.0.0.1'),
  ADMIN_BIND_PORT: integer(9100, 0, 65535),
  BIND_WAIT_SECONDS: integer(15, 0, 600),
  TRUSTED_PROXIES: list(cidr, 'CIDRs such as 10.0.0.0/24, comma separated').default([]),
  ALLOWED_CLIENTS: list(cidr, 'CIDRs such as 10.0.0.0/16, comma separated').default([]),
  METADATA_PROXY_SHARED_SECRET: z.string().min(16, { message: 'expected at least 16 characters' }).optional(),
  RATE_LIMIT_PER_CLIENT: integer(50, 1, 100000),
  STALE_BUDGET_SECONDS: integer(3600, 1, 7 * 86400),
  LOG_LEVEL: z
    .string()
    .default('info')
    .transform((value) => value.toLowerCase())
    .pipe(z.enum(LOG_LEVELS, { message: `expected one of ${LOG_LEVELS.join(', ')}` })),
  LEASE_FILE: z.string().min(1).default('/shared/dnsmasq/dnsmasq.leases'),
  IMDS_TOKEN_REQUIRED: boolean(false),
  IMDS_TOKEN_KEY_FILE: z.string().min(1).optional(),
  MATCH_NODE_NAME: boolean(false),
  DEFAULT_AVAILABILITY_ZONE: z.string().min(1).default('nova'),
  REGION: z.string().regex(/^[^\s/]+$/, { message: 'expected a region name without spaces or slashes, e.g. RegionOne or us-east-1' }).default('RegionOne'),
  SYNC_INTERVAL_SECONDS: integer(30, 1, 86400),
  METADATA_PASSWORD_WRITE: boolean(false),
  OPTIMIZE_FOR: z.enum(['memory', 'speed'], { message: 'expected memory or speed' }).default('memory'),
  WORKERS: integer(0, 0, 64),
  SITE_ID: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { message: 'expected a site name of letters, digits, ".", "_" and "-", e.g. dc1' }).optional(),
  IRONIC_CONDUCTOR_GROUP: z.string().regex(/^[A-Za-z0-9_.:-]{1,255}$/, { message: 'expected a conductor group as Ironic names them (letters, digits, "_", ".", ":", "-")' }).optional(),
  IRONIC_SHARD: z.string().min(1).max(255).optional(),
  VERIFY_CLIENT_MAC: boolean(false),
  MAX_CONNECTIONS: integer(0, 0, 10_000_000),
  MAX_CONNECTIONS_PER_CLIENT: integer(0, 0, 10_000_000),
  REQUEST_TIMEOUT_SECONDS: integer(5, 1, 300),
  KEEPALIVE_TIMEOUT_SECONDS: integer(5, 1, 300),
  VENDOR_DATA_FILE: z.string().min(1).optional(),
  VENDOR_DATA_DYNAMIC_TARGETS: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const targets = (value ?? '').split(',').map((item) => item.trim()).filter(Boolean);
      return targets.map((target) => {
        const at = target.indexOf('@');
        const name = target.slice(0, at);
        const url = target.slice(at + 1);
        if (at < 1 || !/^https?:\/\/[^/\s]+/.test(url) || !URL.canParse(url)) {
          ctx.addIssue({ code: 'custom', message: `expected name@http(s)://host/path, comma separated, got "${target}"` });
        }
        return { name, url };
      });
    }),
  VENDOR_DATA_DYNAMIC_TIMEOUT_SECONDS: integer(5, 1, 60),
  VENDOR_DATA_DYNAMIC_FAILURE_FATAL: boolean(false),
  OS_AUTH_TYPE: z.enum(AUTH_TYPES, { message: `expected one of ${AUTH_TYPES.join(', ')}` }).default('none'),
  OS_USERNAME: z.string().optional(),
  OS_PASSWORD: z.string().optional(),
  OS_PROJECT_NAME: z.string().optional(),
  OS_USER_DOMAIN_NAME: z.string().default('default'),
  OS_PROJECT_DOMAIN_NAME: z.string().default('default'),
  OS_AUTH_URL: httpUrl.optional(),
  OS_REGION_NAME: z.string().optional(),
});
type Environment = z.infer<typeof environmentSchema>;

/**
 * Reads and validates the configuration from the environment. The only place that reads
 * `process.env`; everything else receives the typed Config. Throws ConfigError naming the first
 * variable that is wrong and what it expects.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const blankAsUnset = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = environmentSchema.safeParse(blankAsUnset);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`invalid configuration: ${String(issue.path[0])}: ${issue.message}`);
  }
  const e = parsed.data;
  return {
    source: e.INVENTORY_FILE ? fileSource(e, e.INVENTORY_FILE) : ironicSource(e),
    bindAddrs: e.BIND_ADDR,
    bindPort: e.BIND_PORT,
    adminBindAddr: e.ADMIN_BIND_ADDR,
    adminBindPort: e.ADMIN_BIND_PORT,
    bindWaitSeconds: e.BIND_WAIT_SECONDS,
    trustedProxies: e.TRUSTED_PROXIES,
    allowedClients: e.ALLOWED_CLIENTS,
    proxySharedSecret: e.METADATA_PROXY_SHARED_SECRET,
    rateLimitPerClient: e.RATE_LIMIT_PER_CLIENT,
    staleBudgetSeconds: e.STALE_BUDGET_SECONDS,
    logLevel: e.LOG_LEVEL,
    leaseFile: e.LEASE_FILE,
    imdsTokenRequired: e.IMDS_TOKEN_REQUIRED,
    imdsTokenKeyFile: e.IMDS_TOKEN_KEY_FILE,
    matchNodeName: e.MATCH_NODE_NAME,
    defaultAvailabilityZone: e.DEFAULT_AVAILABILITY_ZONE,
    region: e.REGION,
    syncIntervalSeconds: e.SYNC_INTERVAL_SECONDS,
    passwordWrite: e.METADATA_PASSWORD_WRITE,
    optimizeFor: e.OPTIMIZE_FOR,
    workers: e.WORKERS === 0 ? undefined : e.WORKERS,
    connections: {
      maxConnections: e.MAX_CONNECTIONS,
      maxConnectionsPerClient: e.MAX_CONNECTIONS_PER_CLIENT,
      requestTimeoutSeconds: e.REQUEST_TIMEOUT_SECONDS,
      keepAliveTimeoutSeconds: e.KEEPALIVE_TIMEOUT_SECONDS,
    },
    siteId: e.SITE_ID,
    verifyClientMac: e.VERIFY_CLIENT_MAC,
    vendorData: {
      staticFile: e.VENDOR_DATA_FILE,
      dynamicTargets: e.VENDOR_DATA_DYNAMIC_TARGETS,
      dynamicTimeoutSeconds: e.VENDOR_DATA_DYNAMIC_TIMEOUT_SECONDS,
      dynamicFailureFatal: e.VENDOR_DATA_DYNAMIC_FAILURE_FATAL,
    },
  };
}

function ironicSource(e: Environment): NodeSourceConfig {
  const auth = ironicAuth(e);
  // With Keystone the catalog names the endpoint; otherwise Ironic's usual local address.
  const url = e.IRONIC_URL ?? (auth.type === 'keystone' ? undefined : 'http://localhost:6385');
  return { kind: 'ironic', url, auth, pageSize: e.IRONIC_PAGE_SIZE, conductorGroup: e.IRONIC_CONDUCTOR_GROUP, shard: e.IRONIC_SHARD };
}

/** An inventory file holds one site's nodes already: Ironic's filters would silently do nothing. */
function fileSource(e: Environment, path: string): NodeSourceConfig {
  const filter = e.IRONIC_CONDUCTOR_GROUP !== undefined ? 'IRONIC_CONDUCTOR_GROUP' : e.IRONIC_SHARD !== undefined ? 'IRONIC_SHARD' : undefined;
  if (filter) throw new ConfigError(`invalid configuration: ${filter}: filters Ironic's nodes, but INVENTORY_FILE is set; unset one of them (an inventory file lists one site's nodes itself)`);
  return { kind: 'file', path };
}

function ironicAuth(e: Environment): IronicAuthConfig {
  switch (e.OS_AUTH_TYPE) {
    case 'none':
    case 'noauth':
      return { type: 'none' };
    case 'http_basic':
      return { type: 'http_basic', username: required(e, 'OS_USERNAME'), password: required(e, 'OS_PASSWORD') };
    case 'password':
    case 'v3password':
      return {
        type: 'keystone',
        authUrl: required(e, 'OS_AUTH_URL'),
        username: required(e, 'OS_USERNAME'),
        password: required(e, 'OS_PASSWORD'),
        projectName: required(e, 'OS_PROJECT_NAME'),
        userDomainName: e.OS_USER_DOMAIN_NAME,
        projectDomainName: e.OS_PROJECT_DOMAIN_NAME,
        regionName: e.OS_REGION_NAME,
      };
  }
}

function required<K extends 'OS_USERNAME' | 'OS_PASSWORD' | 'OS_AUTH_URL' | 'OS_PROJECT_NAME'>(e: Environment, name: K): string {
  const value = e[name];
  if (!value) throw new ConfigError(`invalid configuration: ${name}: required when OS_AUTH_TYPE is ${e.OS_AUTH_TYPE}`);
  return value;
}
