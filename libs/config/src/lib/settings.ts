import { z } from 'zod';
import type { ConfigField } from './config';
import {
  boolean,
  checked,
  cidrList,
  httpUrl,
  integer,
  isIpAddress,
  list,
  matching,
  namedUrls,
  oneOf,
  text,
  type SettingParser,
} from './parsers';

/** The levels `LOG_LEVEL` takes, most severe first: winston's npm levels the service logs at (it writes no `verbose` or `silly` line). */
export const LOG_LEVELS = ['error', 'warn', 'info', 'http', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The values `OS_AUTH_TYPE` takes, as the OpenStack CLI spells them. */
export const AUTH_TYPES = ['none', 'noauth', 'http_basic', 'password', 'v3password'] as const;
export type AuthType = (typeof AUTH_TYPES)[number];

/**
 * One setting of the service and the CLI: the environment variable that gives it, what it means, its
 * default (text, parsed like a given value), the parser of its text, and the {@link Config} field it
 * fills (a dotted path). Loading, `--help`, `ironic-metadata settings` and the README's configuration
 * table are all made from {@link SETTINGS}, so adding a setting is one entry here (and its use).
 */
export interface Setting {
  /** The environment variable, e.g. `BIND_PORT`. */
  readonly name: string;
  /** What it does, for operators: the README's "meaning" column and the `--help` listing. */
  readonly doc: string;
  /** The value when unset or empty, as text; undefined: unset (the field is undefined, or a rule derives it). */
  readonly default?: string;
  readonly parse: SettingParser;
  /** The {@link Config} field it fills, e.g. `connections.maxConnections`. */
  readonly field: ConfigField;
}

/**
 * Every setting, in the order the README lists them. `source.*` fields are gathered into the node
 * source (Ironic or an inventory file) and its auth by the rules in `config.ts`.
 */
export const SETTINGS = [
  {
    name: 'INVENTORY_FILE',
    field: 'source.path',
    doc: 'serve nodes from this file (`{"nodes": [...], "ports": [...], "portgroups": [...]}` shaped like Ironic\'s `GET /v1/nodes/detail`, `/v1/ports/detail`, `/v1/portgroups/detail`) instead of Ironic',
    parse: text(),
  },
  {
    name: 'IRONIC_URL',
    field: 'source.url',
    doc: "the Ironic API endpoint; unset: `http://localhost:6385`, or with Keystone auth the `baremetal` endpoint of the token's catalog (`OS_INTERFACE`, `OS_REGION_NAME`)",
    parse: httpUrl(),
  },
  {
    name: 'OS_AUTH_TYPE',
    field: 'source.auth.type',
    doc: '`none` (or `noauth`), `http_basic`, or `password` (or `v3password`: Keystone v3), as the OpenStack CLI names them',
    default: 'none',
    parse: oneOf(AUTH_TYPES),
  },
  { name: 'OS_USERNAME', field: 'source.auth.username', doc: 'the user, for `http_basic` and `password`', parse: text() },
  { name: 'OS_PASSWORD', field: 'source.auth.password', doc: 'its password, for `http_basic` and `password`', parse: text() },
  { name: 'OS_AUTH_URL', field: 'source.auth.authUrl', doc: 'Keystone, with or without `/v3`, for `password`', parse: httpUrl() },
  {
    name: 'OS_PROJECT_NAME',
    field: 'source.auth.projectName',
    doc: 'the project the Keystone token is scoped to (with `OS_PROJECT_DOMAIN_NAME`); this or `OS_PROJECT_ID` for `password`',
    parse: text(),
  },
  {
    name: 'OS_PROJECT_ID',
    field: 'source.auth.projectId',
    doc: 'the project the Keystone token is scoped to, by id (used instead of `OS_PROJECT_NAME` when both are set)',
    parse: text(),
  },
  {
    name: 'OS_USER_DOMAIN_NAME',
    field: 'source.auth.userDomainName',
    doc: 'the Keystone domain of the user',
    default: 'default',
    parse: text(),
  },
  {
    name: 'OS_PROJECT_DOMAIN_NAME',
    field: 'source.auth.projectDomainName',
    doc: 'the Keystone domain of `OS_PROJECT_NAME`',
    default: 'default',
    parse: text(),
  },
  { name: 'OS_REGION_NAME', field: 'source.auth.regionName', doc: "only the catalog's endpoints of this region are used", parse: text() },
  {
    name: 'OS_INTERFACE',
    field: 'source.auth.interface',
    doc: "which of the catalog's `baremetal` endpoints is used: `public`, `internal` or `admin` (without `IRONIC_URL`)",
    default: 'public',
    parse: oneOf(['public', 'internal', 'admin']),
  },
  {
    name: 'OS_CACERT',
    field: 'source.tls.caFile',
    doc: "PEM file of the CA certificates that sign Ironic's (and Keystone's) `https://` certificate; unset: Node's own CA store",
    parse: text(),
  },
  {
    name: 'OS_CERT',
    field: 'source.tls.certFile',
    doc: 'PEM file of a client certificate for TLS to Ironic and Keystone (with its key, unless `OS_KEY` is set)',
    parse: text(),
  },
  { name: 'OS_KEY', field: 'source.tls.keyFile', doc: "PEM file of the client certificate's private key", parse: text() },
  {
    name: 'BIND_ADDR',
    field: 'bindAddrs',
    doc: 'where nodes reach the service: one or more addresses, comma separated (e.g. `169.254.169.254,fe80::a9fe:a9fe%eth0`); `npm start` uses `127.0.0.1`',
    default: '169.254.169.254',
    parse: list(isIpAddress, 'IPv4 or IPv6 addresses, comma separated'),
  },
  {
    name: 'BIND_PORT',
    field: 'bindPort',
    doc: 'the port of `BIND_ADDR`; `npm start` uses `8080`',
    default: '80',
    parse: integer(0, 65535),
  },
  {
    name: 'ADMIN_BIND_ADDR',
    field: 'adminBindAddr',
    doc: '`/healthz`, `/readyz` and Prometheus `/metrics`, on a listener nodes cannot reach by default',
    default: '127.0.0.1',
    parse: checked(isIpAddress, 'an IPv4 or IPv6 address'),
  },
  { name: 'ADMIN_BIND_PORT', field: 'adminBindPort', doc: 'the port of `ADMIN_BIND_ADDR`', default: '9100', parse: integer(0, 65535) },
  {
    name: 'BIND_WAIT_SECONDS',
    field: 'bindWaitSeconds',
    doc: 'how long each listener waits, retrying with back-off, for its address to be added to an interface and to finish IPv6 duplicate address detection (Docker adds `fe80::a9fe:a9fe` about 2 s after start); `0` fails at once',
    default: '15',
    parse: integer(0, 600),
  },
  {
    name: 'TRUSTED_PROXIES',
    field: 'trustedProxies',
    doc: "CIDRs whose `X-Forwarded-For` / `X-Real-IP` are believed (the entry left of the trusted proxies' own hops at the header's end); from anyone else they are ignored. An IMDSv2 token `PUT` is refused (403, as AWS does) only when the client itself sent `X-Forwarded-For` entries, i.e. relays someone",
    default: '',
    parse: cidrList('10.0.0.0/24'),
  },
  {
    name: 'ALLOWED_CLIENTS',
    field: 'allowedClients',
    doc: 'CIDRs of the clients the service answers at all, e.g. the provisioning networks; any other client gets 403 before any lookup, counted in `metadata_refused_clients_total` and logged at most once every 10 s. Unset: every client',
    default: '',
    parse: cidrList('10.0.0.0/16'),
  },
  {
    name: 'METADATA_PROXY_SHARED_SECRET',
    field: 'proxySharedSecret',
    doc: "Nova's proxy mode: a request with `X-Instance-ID`, `X-Tenant-ID` and `X-Instance-ID-Signature` (hex HMAC-SHA256 of the id under this secret) names its instance; a bad signature is 403 and logged",
    parse: z.string().min(16, { message: 'expected at least 16 characters' }),
  },
  {
    name: 'RATE_LIMIT_PER_CLIENT',
    field: 'rateLimitPerClient',
    doc: 'requests a second one client address may make (bursts of twice that); 429 with `Retry-After` past it',
    default: '50',
    parse: integer(1, 100000),
  },
  {
    name: 'STALE_BUDGET_SECONDS',
    field: 'staleBudgetSeconds',
    doc: 'how long after Ironic was last reached known nodes are still answered from memory; `/readyz` fails past it',
    default: '3600',
    parse: integer(1, 7 * 86400),
  },
  {
    name: 'LOG_LEVEL',
    field: 'logLevel',
    // The list is LOG_LEVELS, so the README names exactly the values accepted.
    doc: `the least severe level logged, one of ${LOG_LEVELS.map((level) => `\`${level}\``).join(', ')} (\`http\`: one line a request)`,
    default: 'info',
    parse: z
      .string()
      .transform((value) => value.toLowerCase())
      .pipe(z.enum(LOG_LEVELS, { message: `expected one of ${LOG_LEVELS.join(', ')}` })),
  },
  {
    name: 'LEASE_FILE',
    field: 'leaseFile',
    doc: 'dnsmasq leases for the IP -> MAC -> port fallback',
    default: '/shared/dnsmasq/dnsmasq.leases',
    parse: text(),
  },
  {
    name: 'IMDS_TOKEN_REQUIRED',
    field: 'imdsTokenRequired',
    doc: "refuse EC2 requests without a valid IMDSv2 session token (401). When `false`, a request without a token is answered as IMDSv1; a bad token is still 401 where `IMDS_TOKEN_KEY_FILE` is set, and is answered as IMDSv1 where it is not (the token may be another replica's, or this one's before a restart)",
    default: 'false',
    parse: boolean(),
  },
  {
    name: 'IMDS_TOKEN_KEY_FILE',
    field: 'imdsTokenKeyFile',
    doc: "the keys IMDSv2 session tokens are signed with, one a line (at least 32 bytes each, e.g. `openssl rand -base64 48`; mode `0400`, owned by the service's user): the first signs, every line verifies, so a key rotates without a refused token (add the new key second everywhere, then move it first, then drop the old one after 6 hours; the file is read at start-up, so each step is a rolling restart). Give every replica the same file; unset, each process signs with a random key of its own, so with `IMDS_TOKEN_REQUIRED=true` a token is refused by the other replicas and after a restart (`doctor` says so). A token is `v1.<expiry>.<mac>`: its end in Unix seconds and HMAC-SHA256 over that and the client's address, nothing kept per token",
    parse: text(),
  },
  {
    name: 'DEFAULT_AVAILABILITY_ZONE',
    field: 'defaultAvailabilityZone',
    doc: 'when neither the config drive nor `instance_info` names one',
    default: 'nova',
    parse: text(),
  },
  {
    name: 'REGION',
    field: 'region',
    doc: "the region EC2 clients read from `meta-data/placement/region` and the identity document (`dynamic/instance-identity/document`): the Go SDKs, boto 2, Ansible's `ec2_metadata_facts`, Ohai, Ignition, `ec2metadata --region`. botocore and the AWS CLI do not read it: they take the availability zone minus its last character, so the default zone `nova` gives them the region `nov`; name zones after the region (`REGION=site1`, zones `site1a`, `site1b`) to make both agree",
    default: 'RegionOne',
    parse: matching(/^[^\s/]+$/, 'expected a region name without spaces or slashes, e.g. RegionOne or us-east-1'),
  },
  {
    name: 'MATCH_NODE_NAME',
    field: 'matchNodeName',
    doc: "also match a client whose address is a node's name (testing only)",
    default: 'false',
    parse: boolean(),
  },
  {
    name: 'SYNC_INTERVAL_SECONDS',
    field: 'syncIntervalSeconds',
    doc: 'how often the node index is refreshed',
    default: '30',
    parse: integer(1, 86400),
  },
  {
    name: 'OPTIMIZE_FOR',
    field: 'optimizeFor',
    doc: "`memory`: V8 favours memory over speed (`--optimize-for-size`), and a process's young generation keeps its first size until it listens for the nodes (a cluster's primary, which serves none, keeps it so). `speed`: V8's defaults: with two workers at 10,000 nodes, about 50% more requests a second in a boot storm, more on keep-alive connections and a shorter tail there, for 2.4 times the memory; at 100,000 nodes, a faster start. Measured, `speed` against `memory`: at 10,000 nodes a peak RSS (summed over the service's processes) of 948–977 MiB against 397–422 MiB, 15,950–17,200 storm requests a second against 10,070–11,020, 68,000–80,000 on keep-alive connections against 57,000–72,000 (in 5 runs of 8; 44,000–47,000 in the others), a p99 at 256 connections of 11–18 ms against 20–38 ms; at 100,000 nodes (once each), the index ready in 21 s against 38 s, at a peak of 2,550 MiB against 1,680 MiB. On 2 CPUs shared with the load generator: `npm run bench -- --skip-nginx --skip-floor --workers 2`, adding `--server-env OPTIMIZE_FOR=speed` for `speed`, and `--nodes 100000 --boots 2000 --skip-paced --skip-keep-alive` for 100,000 nodes",
    default: 'memory',
    parse: oneOf(['memory', 'speed'], 'expected memory or speed'),
  },
  {
    name: 'WORKERS',
    field: 'workers',
    doc: "processes answering the nodes on the one port (0: one per core). One of them syncs with the node source (one scan per interval for the whole service) and hands the nodes to the others through a supervising process that holds none; a worker that dies is replaced; the admin listener speaks for all of them. `RATE_LIMIT_PER_CLIENT` and the connection caps hold per worker. Workers start with glibc's mmap threshold fixed at 128 KiB (less memory kept after a load) unless `MALLOC_MMAP_THRESHOLD_` is set (or `glibc.malloc.mmap_threshold` in `GLIBC_TUNABLES`). `1`: a single process (set `MALLOC_MMAP_THRESHOLD_=131072` in its environment for the same)",
    default: '0',
    parse: integer(0, 64).transform((workers) => (workers === 0 ? undefined : workers)),
  },
  {
    name: 'IRONIC_PAGE_SIZE',
    field: 'source.pageSize',
    doc: 'items a page when listing Ironic (its `[api]max_limit` caps it)',
    default: '1000',
    parse: integer(1, 1000),
  },
  {
    name: 'IRONIC_CONDUCTOR_GROUP',
    field: 'source.conductorGroup',
    doc: "index only the nodes of this conductor group (Ironic API 1.46), so that a site's replicas load and sync only the nodes they serve; Ironic older than that is refused with a message naming the version; not with `INVENTORY_FILE`",
    parse: matching(/^[A-Za-z0-9_.:-]{1,255}$/, 'expected a conductor group as Ironic names them (letters, digits, "_", ".", ":", "-")'),
  },
  {
    name: 'IRONIC_SHARD',
    field: 'source.shard',
    doc: 'index only the nodes of this shard (Ironic API 1.82), as `IRONIC_CONDUCTOR_GROUP` does; not with `INVENTORY_FILE`',
    parse: z.string().min(1).max(255),
  },
  {
    name: 'SITE_ID',
    field: 'siteId',
    doc: 'the site this replica serves: the `site` field of every log line, a `site` label on every metric, `site` in `/readyz`',
    parse: matching(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected a site name of letters, digits, ".", "_" and "-", e.g. dc1'),
  },
  {
    name: 'VERIFY_CLIENT_MAC',
    field: 'verifyClientMac',
    doc: "answer a client only when this host's neighbour table (`/proc/net/arp`, `ip neigh` for IPv6) gives its address one of the matched node's port MACs; another machine using a node's address gets 403, and so does an address with no neighbour entry. Needs the service on the nodes' segment (the macvlan deployment); `ironic-metadata doctor` checks it. The image has no `ip`, so there it checks IPv4 clients only; add `iproute2` for IPv6 ones",
    default: 'false',
    parse: boolean(),
  },
  {
    name: 'MAX_CONNECTIONS',
    field: 'connections.maxConnections',
    doc: "connections the nodes' listeners hold together; `0`: the process's open-file soft limit (read from `/proc/self/limits`) less an eighth (at least 256) kept for files, Ironic and the admin listener; at the cap the longest-idle connection is closed for a new one. A value above that room stops the start with the number to use",
    default: '0',
    parse: integer(0, 10_000_000),
  },
  {
    name: 'MAX_CONNECTIONS_PER_CLIENT',
    field: 'connections.maxConnectionsPerClient',
    doc: "connections one client address holds (a trusted proxy's are not capped per address); `0`: a thirty-second of `MAX_CONNECTIONS`, at most 100. Refusals are counted in `metadata_connections_refused_total{reason}`",
    default: '0',
    parse: integer(0, 10_000_000),
  },
  {
    name: 'REQUEST_TIMEOUT_SECONDS',
    field: 'connections.requestTimeoutSeconds',
    doc: "seconds a client has to send its whole request (cloud-init's are a few hundred bytes); a slow request gets 408",
    default: '5',
    parse: integer(1, 300),
  },
  {
    name: 'KEEPALIVE_TIMEOUT_SECONDS',
    field: 'connections.keepAliveTimeoutSeconds',
    doc: 'seconds an idle kept-alive connection stays open',
    default: '5',
    parse: integer(1, 300),
  },
  {
    name: 'METADATA_PASSWORD_WRITE',
    field: 'passwordWrite',
    doc: "let instances POST `openstack/<v>/password` (Nova's semantics), kept at the instance's scope in `instance_info.metadata_encrypted_pw` by a PATCH to Ironic (emptied at tear-down; a name Ironic does not mask); a value earlier versions left in `extra.metadata_password` is moved there, for the instance first seen with it",
    default: 'false',
    parse: boolean(),
  },
  {
    name: 'VENDOR_DATA_FILE',
    field: 'vendorData.staticFile',
    doc: 'a JSON object served as `vendor_data.json` and as `static` in `vendor_data2.json`',
    parse: text(),
  },
  {
    name: 'VENDOR_DATA_DYNAMIC_TARGETS',
    field: 'vendorData.dynamicTargets',
    doc: "Nova's DynamicJSON targets, `name@http://host/path,...`: each is POSTed the instance's identity and its JSON answer is served under `name` in `vendor_data2.json`",
    default: '',
    parse: namedUrls(),
  },
  {
    name: 'VENDOR_DATA_DYNAMIC_TIMEOUT_SECONDS',
    field: 'vendorData.dynamicTimeoutSeconds',
    doc: 'seconds a dynamic vendor data target has to answer',
    default: '5',
    parse: integer(1, 60),
  },
  {
    name: 'VENDOR_DATA_DYNAMIC_FAILURE_FATAL',
    field: 'vendorData.dynamicFailureFatal',
    doc: "a failing target fails the request with 500 (Nova's `vendordata_dynamic_failure_fatal`); `false`: it is left out (logged)",
    default: 'false',
    parse: boolean(),
  },
] as const satisfies readonly Setting[];

/** The name of a setting, e.g. `'BIND_PORT'`. */
export type SettingName = (typeof SETTINGS)[number]['name'];

/** Settings by name, as text: the environment, or what a command line sets (which wins). */
export type SettingValues = Partial<Record<SettingName, string>>;

/** The setting that fills a {@link Config} field, for messages about its value, e.g. `OS_CACERT` for `source.tls.caFile`. */
export function settingFor(field: (typeof SETTINGS)[number]['field']): string {
  // The type admits only the table's fields, so one is always found.
  return SETTINGS.find((setting) => setting.field === field)?.name ?? field;
}
