import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Agent } from 'node:https';
import axios from 'axios';
import { runProgram } from './processes';

export interface StartIronicOptions {
  /** Ironic's `[DEFAULT]auth_strategy`. */
  auth: 'noauth' | 'http_basic';
  /** Port on 127.0.0.1. */
  port: number;
  /** Whether GET answers show `instance_info.configdrive` instead of `"******"`. */
  showInstanceSecrets: boolean;
  /** Serve HTTPS with this certificate (`[api]enable_ssl_api`, `[ssl]`); `ca` is what the tests trust to reach it. */
  tls?: { certFile: string; keyFile: string; ca: string };
}

/** A running all-in-one Ironic (API and conductor in one process) with the fake hardware type. */
export interface IronicHandle {
  url: string;
  /** With http_basic: the one user of the htpasswd file. */
  username?: string;
  password?: string;
  /** Ironic rereads it on change: see {@link setShowInstanceSecrets}. */
  policyFile: string;
  setShowInstanceSecrets(show: boolean): void;
  /** The last lines Ironic logged. */
  logTail(): string;
  /** Ends the process but keeps its database: an outage. */
  kill(): Promise<void>;
  /** Starts the process again on the same database after kill(). */
  restart(): Promise<void>;
  /** Ends the process and removes its directory. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;
const LOG_TAIL_LINES = 40;
const MISSING_IRONIC =
  'is not installed: the integration tests run a real Ironic. Install the Debian packages ironic-api and ' +
  'python3-ironicclient (apt-get install ironic-api python3-ironicclient).';

/**
 * Grants or withdraws `show_instance_secrets` for everyone. By default Ironic masks configdrives as
 * `"******"` in every GET; it rereads the policy file on change, no restart needed.
 */
export function setShowInstanceSecrets(policyFile: string, show: boolean): void {
  writeFileSync(policyFile, show ? '"show_instance_secrets": "@"\n' : '{}\n');
}

/**
 * Starts Ironic in a fresh temporary directory (configuration, sqlite database, policy, htpasswd) and
 * waits until its API answers. `stop()` ends it and removes the directory.
 */
export async function startIronic(options: StartIronicOptions): Promise<IronicHandle> {
  const ironic = findProgram('ironic');
  const dbsync = findProgram('ironic-dbsync');
  await assertPortFree(options.port);
  const stateDir = await mkdtemp(join(tmpdir(), `ironic-it-${options.port}-`));
  const configFile = join(stateDir, 'ironic.conf');
  const policyFile = join(stateDir, 'policy.yaml');
  setShowInstanceSecrets(policyFile, options.showInstanceSecrets);
  const credentials = options.auth === 'http_basic' ? await writeHtpasswd(ironic, join(stateDir, 'htpasswd')) : undefined;
  await writeFile(configFile, ironicConfig(options, stateDir, policyFile, credentials && join(stateDir, 'htpasswd')));
  await runProgram(dbsync, ['--config-file', configFile, 'create_schema'], { timeoutMs: 60_000 });

  const url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${options.port}`;
  const log: string[] = [];
  const logTail = () => log.join('\n');
  const ca = options.tls?.ca;
  let running = await launch(ironic, configFile, url, log, ca);

  /** Kills the process, keeping its database, as an outage would. */
  const kill = async () => {
    await running.stop();
  };
  /** Starts it again on the same database after {@link kill}. */
  const restart = async () => {
    if (running.alive()) return;
    running = await launch(ironic, configFile, url, log, ca);
  };
  const stop = async () => {
    await running.stop();
    await rm(stateDir, { recursive: true, force: true });
  };
  return {
    url,
    ...credentials,
    policyFile,
    setShowInstanceSecrets: (show) => setShowInstanceSecrets(policyFile, show),
    logTail,
    kill,
    restart,
    stop,
  };
}

interface RunningIronic {
  alive(): boolean;
  stop(): Promise<void>;
}

/** Starts the all-in-one process and waits for its API; on failure it is stopped and the log tail thrown. */
async function launch(ironic: string, configFile: string, url: string, log: string[], ca: string | undefined): Promise<RunningIronic> {
  // Its own process group, so that stop() also reaches any worker it forks.
  const child = spawn(ironic, ['--config-file', configFile], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (chunk: Buffer) => {
    log.push(...chunk.toString().split('\n').filter(Boolean));
    log.splice(0, log.length - LOG_TAIL_LINES);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Detached, it would outlive a test run that is interrupted: end it when this process ends.
  const killOnExit = () => signalGroup(child.pid, 'SIGKILL');
  process.once('exit', killOnExit);
  const alive = () => child.exitCode === null && child.signalCode === null;
  const stop = async () => {
    process.off('exit', killOnExit);
    if (alive()) {
      signalGroup(child.pid, 'SIGTERM');
      const killer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(killer);
    }
  };
  try {
    await waitForApi(url, exited, () => log.join('\n'), ca);
  } catch (error) {
    await stop();
    throw error;
  }
  return { alive, stop };
}

function ironicConfig(options: StartIronicOptions, stateDir: string, policyFile: string, htpasswdFile: string | undefined): string {
  return `[DEFAULT]
auth_strategy = ${options.auth}
${htpasswdFile ? `http_basic_auth_user_file = ${htpasswdFile}` : ''}
rpc_transport = none
enabled_hardware_types = fake-hardware
enabled_boot_interfaces = fake
enabled_deploy_interfaces = fake
enabled_management_interfaces = fake
enabled_power_interfaces = fake
enabled_vendor_interfaces = fake
enabled_inspect_interfaces = no-inspect
enabled_console_interfaces = no-console
enabled_raid_interfaces = no-raid
enabled_bios_interfaces = no-bios
enabled_network_interfaces = noop
default_network_interface = noop
host = test-ironic-${options.port}
state_path = ${stateDir}
tempdir = ${join(stateDir, 'tmp')}
use_stderr = true
[api]
host_ip = 127.0.0.1
port = ${options.port}
api_workers = 1
${options.tls ? `enable_ssl_api = true\n[ssl]\ncert_file = ${options.tls.certFile}\nkey_file = ${options.tls.keyFile}\n` : ''}[database]
connection = sqlite:///${join(stateDir, 'ironic.sqlite')}
[dhcp]
dhcp_provider = none
[conductor]
automated_clean = false
cache_clean_up_interval = 0
[oslo_policy]
policy_file = ${policyFile}
`;
}

/**
 * Ironic's http_basic accepts only bcrypt htpasswd entries. No bcrypt for Node is installed, but the
 * Python that runs Ironic has it (python3-bcrypt is a dependency). Cost 4, the minimum: Ironic checks
 * the hash on every request, and the default cost of 12 would add a quarter of a second to each.
 */
async function writeHtpasswd(ironicProgram: string, file: string): Promise<{ username: string; password: string }> {
  const python = readFileSync(ironicProgram, 'utf8')
    .split('\n')[0]
    .replace(/^#!\s*/, '')
    .trim();
  const username = 'it-admin';
  const password = randomBytes(12).toString('hex');
  const script = 'import bcrypt, sys; print(bcrypt.hashpw(sys.argv[1].encode(), bcrypt.gensalt(rounds=4)).decode())';
  const hash = (await runProgram(python, ['-c', script, password])).trim();
  await writeFile(file, `${username}:${hash}\n`);
  return { username, password };
}

/** Signals the process group led by `pid`; a group that is already gone is fine. */
function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

function findProgram(name: string): string {
  for (const directory of (process.env['PATH'] ?? '').split(delimiter)) {
    const candidate = join(directory, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory.
    }
  }
  throw new Error(`${name} ${MISSING_IRONIC}`);
}

function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', () =>
      reject(new Error(`port ${port} on 127.0.0.1 is in use: a leftover Ironic from an aborted run? (ss -ltnp 'sport = :${port}')`)),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

/** Polls `GET /v1` until it answers 200; fails early if Ironic exits, with its last log lines either way. */
async function waitForApi(url: string, exited: Promise<void>, logTail: () => string, ca: string | undefined): Promise<void> {
  const httpsAgent = ca ? new Agent({ ca }) : undefined;
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline && !gone) {
    const status = await axios.get(`${url}/v1`, { timeout: 1_000, validateStatus: () => true, httpsAgent }).then(
      (response) => response.status,
      () => undefined,
    );
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const why = gone ? 'exited' : `did not answer GET ${url}/v1 within ${START_TIMEOUT_MS} ms`;
  throw new Error(`Ironic on ${url} ${why}. Its last log lines:\n${logTail()}`);
}
