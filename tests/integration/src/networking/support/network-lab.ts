import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runToExit, type Exit } from '../../support/processes';

/** One end of a veth link: the namespace, the interface's name there, and optionally its address. */
export interface LinkEnd {
  ns: string;
  iface: string;
  /** `10.200.1.10/24`; more than one for a host with several addresses. */
  addresses?: string[];
  /** The interface's MAC address, when the test must know it (a node's NIC in its network data). */
  mac?: string;
}

const CLEANUP_ROUNDS = 20;

/**
 * The network namespaces, links and processes of one test file, all under a per-run prefix
 * (`<owner>-<random>-`, `imd` unless told), all removed by `destroy()`, also after a failure. Nothing
 * here touches the root namespace: every link is created inside a test namespace and its peer placed
 * in another one.
 */
export class NetworkLab {
  readonly prefix: string;
  /** A scratch directory for configurations, pid files and logs, removed with the lab. */
  readonly dir: string;
  private readonly namespaces: string[] = [];

  private constructor(owner: string) {
    this.prefix = `${owner}-${randomBytes(3).toString('hex')}`;
    this.dir = mkdtempSync(join(tmpdir(), `${owner}-lab-`));
  }

  /** `owner` prefixes every namespace, so that the labs of different test suites never collide. */
  static async create(owner = 'imd'): Promise<NetworkLab> {
    if (process.getuid?.() !== 0) throw new Error('the networking tests make network namespaces: run them as root');
    const lab = new NetworkLab(owner);
    // Should the test process end without afterAll (an abort), its namespaces still go with it.
    process.once('exit', () => lab.destroySync());
    return lab;
  }

  /** Makes the namespace `<prefix>-<role>` with its loopback up, and returns its name. */
  async namespace(role: string): Promise<string> {
    const ns = `${this.prefix}-${role}`;
    await this.must('ip', ['netns', 'add', ns]);
    this.namespaces.push(ns);
    await this.must('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    return ns;
  }

  /** A veth pair between two namespaces, both ends up with their addresses. */
  async link(a: LinkEnd, b: LinkEnd): Promise<void> {
    await this.must('ip', ['-n', a.ns, 'link', 'add', a.iface, 'type', 'veth', 'peer', 'name', b.iface, 'netns', b.ns]);
    for (const end of [a, b]) {
      if (end.mac) await this.must('ip', ['-n', end.ns, 'link', 'set', end.iface, 'address', end.mac]);
      for (const address of end.addresses ?? []) await this.must('ip', ['-n', end.ns, 'addr', 'add', address, 'dev', end.iface]);
      await this.must('ip', ['-n', end.ns, 'link', 'set', end.iface, 'up']);
    }
  }

  /** A bridge in `hub` and one veth from each member to it: one L2 segment, as VRRP needs. */
  async segment(hub: string, members: LinkEnd[]): Promise<void> {
    await this.must('ip', ['-n', hub, 'link', 'add', 'br0', 'type', 'bridge']);
    await this.must('ip', ['-n', hub, 'link', 'set', 'br0', 'up']);
    for (const [index, member] of members.entries()) {
      const port = `port${index}`;
      await this.link(member, { ns: hub, iface: port });
      await this.must('ip', ['-n', hub, 'link', 'set', port, 'master', 'br0']);
    }
  }

  /** `ip route add ROUTE...` inside a namespace. */
  route(ns: string, ...route: string[]): Promise<string> {
    return this.must('ip', ['-n', ns, 'route', 'add', ...route]);
  }

  /** Runs a program inside a namespace, whatever its exit code. */
  exec(ns: string, file: string, args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<Exit> {
    return runToExit('ip', ['netns', 'exec', ns, file, ...args], {
      env: options.env ?? cleanEnv(),
      timeoutMs: options.timeoutMs ?? 30_000,
    });
  }

  /** Runs a program in the root namespace that must succeed (only `ip` on the lab's own namespaces). */
  async must(file: string, args: string[]): Promise<string> {
    const exit = await runToExit(file, args, { env: cleanEnv(), timeoutMs: 15_000 });
    if (exit.code !== 0) throw new Error(`${file} ${args.join(' ')} exited with ${exit.code}: ${exit.stderr.trim()}`);
    return exit.stdout;
  }

  /** The addresses an interface holds in a namespace, e.g. whether it holds a virtual address now. */
  async holds(ns: string, address: string): Promise<boolean> {
    const exit = await runToExit('ip', ['-n', ns, '-o', 'addr', 'show', 'to', address], { env: cleanEnv() });
    return exit.code === 0 && exit.stdout.trim() !== '';
  }

  /** Kills every process still inside the namespace (servers, daemons, client loops): all of them ours. */
  async killProcessesIn(ns: string): Promise<void> {
    for (let round = 0; round < CLEANUP_ROUNDS; round++) {
      const pids = await this.pidsIn(ns);
      if (pids.length === 0) return;
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Gone already.
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Removes every process, namespace (with its links) and file of the lab; safe to call twice. */
  async destroy(): Promise<void> {
    const errors: string[] = [];
    for (const ns of this.namespaces.splice(0).reverse()) {
      await this.killProcessesIn(ns).catch((error: Error) => errors.push(error.message));
      const exit = await runToExit('ip', ['netns', 'del', ns], { env: cleanEnv() });
      if (exit.code !== 0) errors.push(`ip netns del ${ns}: ${exit.stderr.trim()}`);
    }
    rmSync(this.dir, { recursive: true, force: true });
    if (errors.length > 0) throw new Error(`lab cleanup: ${errors.join('; ')}`);
  }

  /** The last resort of `create()`'s exit hook: synchronous, quiet, for whatever is left. */
  private destroySync(): void {
    for (const ns of this.namespaces.splice(0).reverse()) {
      try {
        const pids = execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8', env: cleanEnv() })
          .split(/\s+/)
          .filter(Boolean)
          .map(Number);
        for (const pid of pids) if (pid !== process.pid) process.kill(pid, 'SIGKILL');
        execFileSync('ip', ['netns', 'del', ns], { env: cleanEnv(), stdio: 'ignore' });
      } catch {
        // Best effort: the process is ending.
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async pidsIn(ns: string): Promise<number[]> {
    const exit = await runToExit('ip', ['netns', 'pids', ns], { env: cleanEnv() });
    return exit.stdout
      .split(/\s+/)
      .filter(Boolean)
      .map(Number)
      .filter((pid) => pid !== process.pid);
  }
}

/**
 * The environment for programs in the lab: a PATH with the sbin directories, and no proxy variables,
 * which would send curl's requests for 169.254.169.254 somewhere else entirely.
 */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8', ...extra };
}
