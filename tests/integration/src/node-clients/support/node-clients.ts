import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanEnv } from '../../networking/support/network-lab';
import type { Exit } from '../../support/processes';
import type { NodeLab } from './node-lab';

// The clients as Debian installs them (tools/scripts/install-test-packages.sh), run in the node's
// namespace: each asks the 169.254.169.254 it hard-codes. Debian's Python is the one they live in,
// whatever python3 comes first on PATH.
const DEBIAN_PYTHON = '/usr/bin/python3';
const PYTHON_PACKAGES = '/usr/lib/python3/dist-packages';
const ANSIBLE = '/usr/bin/ansible';
// Debian ships Ignition only inside its dracut module: it runs in the initramfs.
const IGNITION = '/usr/lib/dracut/modules.d/30ignition/ignition';
const CLOUD_INIT_DATASOURCE = join(__dirname, 'cloud_init_datasource.py');
const BOTOCORE_IMDS = join(__dirname, 'botocore_imds.py');
const CLIENT_TIMEOUT_MS = 60_000;

function requireInstalled(path: string, debianPackage: string): void {
  if (!existsSync(path)) {
    throw new Error(
      `${path} is missing: install Debian's ${debianPackage} (tools/scripts/install-test-packages.sh installs every package the integration tests run)`,
    );
  }
}

/** A scratch directory of the lab for one client run (its HOME, state and cache files). */
function scratch(nodeLab: NodeLab, client: string): string {
  return mkdtempSync(join(nodeLab.lab.dir, `${client}-`));
}

async function runInNode(nodeLab: NodeLab, file: string, args: string[], env: Record<string, string> = {}): Promise<Exit> {
  return nodeLab.lab.exec(nodeLab.node, file, args, { env: cleanEnv(env), timeoutMs: CLIENT_TIMEOUT_MS });
}

function parseOutput<T>(what: string, exit: Exit): T {
  if (exit.code !== 0) throw new Error(`${what} exited with ${exit.code}:\n${exit.stderr}${exit.stdout}`);
  return JSON.parse(exit.stdout) as T;
}

type Bytes = { base64: string };

/** Decodes bytes as cloud_init_datasource.py prints them. */
export const textOf = (bytes: Bytes) => Buffer.from(bytes.base64, 'base64').toString('utf8');

/** What cloud_init_datasource.py prints: what the datasource holds after `get_data()`. */
export interface DatasourceResult {
  found: boolean;
  /** Every warning cloud-init logged (refused requests among them). */
  warnings: string[];
  instance_id?: string;
  /** `get_hostname()`: the short name, as cloud-init sets it. */
  local_hostname?: string;
  public_ssh_keys?: string[];
  availability_zone?: string;
  metadata?: Record<string, unknown>;
  userdata_raw?: Bytes;
  network_config?: { version: number; config?: Record<string, unknown>[]; ethernets?: Record<string, Record<string, unknown>> };
  /** DataSourceOpenStack: the EC2 tree its reader crawls after Nova's. */
  ec2_metadata?: Record<string, unknown> | null;
  network_json?: Record<string, unknown> | null;
  /** DataSourceEc2: the platform it identified, the region, the identity document. */
  cloud_name?: string;
  region?: string | null;
  identity?: Record<string, unknown> | null;
}

/**
 * Runs cloud-init's own DataSourceOpenStack (on a Nova guest's platform) or DataSourceEc2 (on an EC2
 * instance's platform, where it uses IMDSv2 tokens, or a vendor's server, where it never does).
 */
export async function cloudInitDatasource(
  nodeLab: NodeLab,
  datasource: 'openstack' | 'ec2',
  platform: 'nova' | 'aws' | 'bare-metal',
): Promise<DatasourceResult> {
  requireInstalled(join(PYTHON_PACKAGES, 'cloudinit'), 'cloud-init');
  const exit = await runInNode(nodeLab, DEBIAN_PYTHON, [CLOUD_INIT_DATASOURCE, datasource, platform, scratch(nodeLab, 'cloud-init')]);
  return parseOutput(`cloud-init's ${datasource} datasource`, exit);
}

/** What botocore_imds.py prints. */
export interface BotocoreResult {
  token_issued: boolean;
  /** Each `latest/meta-data/` path asked; null when botocore gave up on it. */
  values: Record<string, string | null>;
  region: string | null;
}

/** botocore's InstanceMetadataFetcher on `meta-data/<path>` for each path, and its IMDSRegionProvider. */
export async function botocoreImds(nodeLab: NodeLab, metaDataPaths: string[]): Promise<BotocoreResult> {
  requireInstalled(join(PYTHON_PACKAGES, 'botocore'), 'python3-botocore');
  const home = scratch(nodeLab, 'botocore');
  // No AWS configuration of this machine's user may change what botocore asks.
  const env = { HOME: home, AWS_CONFIG_FILE: join(home, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials') };
  return parseOutput('botocore', await runInNode(nodeLab, DEBIAN_PYTHON, [BOTOCORE_IMDS, ...metaDataPaths], env));
}

/** How Ansible's `amazon.aws.ec2_metadata_facts` ended on the node. */
export interface AnsibleResult {
  failed: boolean;
  msg?: string;
  facts: Record<string, unknown>;
}

/** `ansible localhost -m amazon.aws.ec2_metadata_facts`, with the JSON callback to read its result. */
export async function ansibleEc2MetadataFacts(nodeLab: NodeLab): Promise<AnsibleResult> {
  requireInstalled(ANSIBLE, 'ansible');
  requireInstalled(join(PYTHON_PACKAGES, 'ansible_collections/amazon/aws'), 'ansible (its amazon.aws collection)');
  const home = scratch(nodeLab, 'ansible');
  const env = {
    HOME: home,
    ANSIBLE_LOCAL_TEMP: join(home, 'tmp'),
    ANSIBLE_REMOTE_TEMP: join(home, 'remote-tmp'),
    ANSIBLE_STDOUT_CALLBACK: 'json',
    ANSIBLE_LOAD_CALLBACK_PLUGINS: '1',
    ANSIBLE_NOCOLOR: '1',
  };
  const args = [
    'localhost',
    '-i',
    'localhost,',
    '-c',
    'local',
    '-e',
    `ansible_python_interpreter=${DEBIAN_PYTHON}`,
    '-m',
    'amazon.aws.ec2_metadata_facts',
  ];
  const exit = await runInNode(nodeLab, ANSIBLE, args, env);
  let output: {
    plays?: { tasks: { hosts: Record<string, { failed?: boolean; msg?: string; ansible_facts?: Record<string, unknown> }> }[] }[];
  };
  try {
    output = JSON.parse(exit.stdout);
  } catch {
    throw new Error(`ansible exited with ${exit.code} without its JSON result:\n${exit.stderr}${exit.stdout}`);
  }
  const host = output.plays?.[0]?.tasks[0]?.hosts['localhost'];
  if (!host) throw new Error(`ansible ran no ec2_metadata_facts task on localhost:\n${exit.stdout}`);
  return { failed: host.failed === true, msg: host.msg, facts: host.ansible_facts ?? {} };
}

/** How Ignition's fetch stage ended: its exit code, the config it cached for the later stages, its log. */
export interface IgnitionResult {
  code: number;
  /** The fetched config as Ignition caches it for the later stages; undefined when it cached none. */
  config: { storage?: { files?: { path: string; contents?: { source?: string } }[] } } | undefined;
  log: string;
}

/** Ignition's `fetch` stage on a platform, with its root, state and cache in a scratch directory. */
export async function ignitionFetch(nodeLab: NodeLab, platform: 'openstack' | 'aws'): Promise<IgnitionResult> {
  requireInstalled(IGNITION, 'ignition');
  const dir = scratch(nodeLab, `ignition-${platform}`);
  const cache = join(dir, 'ignition.json');
  const args = [
    `-platform=${platform}`,
    '-stage=fetch',
    `-root=${join(dir, 'sysroot')}`,
    `-config-cache=${cache}`,
    `-state-file=${join(dir, 'state')}`,
    `-neednet=${join(dir, 'neednet')}`,
    // Ignition retries a failed fetch until this; a refused one must not hold the suite.
    '-fetch-timeout=15s',
    '-log-to-stdout',
  ];
  const exit = await runInNode(nodeLab, IGNITION, args);
  return {
    code: exit.code,
    config: existsSync(cache) ? JSON.parse(readFileSync(cache, 'utf8')) : undefined,
    log: exit.stdout + exit.stderr,
  };
}
