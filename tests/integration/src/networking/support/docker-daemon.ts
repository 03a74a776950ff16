import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, realpathSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runToExit, type Exit } from '../../support/processes';
import { cleanEnv } from './network-lab';
import { waitUntil } from './wait';

const DOCKERD = '/usr/sbin/dockerd';
// Debian's docker.io client, by its path: another `docker` earlier on PATH may talk to another daemon.
const DOCKER = '/usr/bin/docker';
const DOCKER_COMPOSE = '/usr/bin/docker-compose';

/**
 * Why the container tests cannot run here, or undefined when they can: Debian's docker.io and
 * docker-compose installed, and root (dockerd needs it). Decided before any test starts, so that a
 * daemon that fails to start is a failure, not a skip.
 */
export function dockerUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root: dockerd needs root';
  const missing = [DOCKERD, DOCKER, DOCKER_COMPOSE].filter((path) => !existsSync(path));
  if (missing.length > 0)
    return `${missing.join(', ')} missing: install Debian's docker.io and docker-compose (tools/scripts/install-test-packages.sh)`;
  return undefined;
}

/**
 * A Docker daemon of the test's own: its data, state and socket in a temporary directory, no default
 * bridge, and no change to the host's firewall or forwarding, so it never touches a system daemon's
 * files or the host's network. Removed by `stop()`.
 */
export class DockerDaemon {
  readonly socket: string;
  private constructor(
    readonly dir: string,
    private readonly daemon: ChildProcess,
  ) {
    this.socket = join(dir, 'docker.sock');
  }

  static async start(): Promise<DockerDaemon> {
    const dir = mkdtempSync(join(tmpdir(), 'dp-docker-'));
    const args = [
      '--bridge=none',
      '--iptables=false',
      '--ip6tables=false',
      '--ip-forward=false',
      '--ip-masq=false',
      `--data-root=${join(dir, 'data')}`,
      `--exec-root=${join(dir, 'exec')}`,
      `--pidfile=${join(dir, 'docker.pid')}`,
      `--host=unix://${join(dir, 'docker.sock')}`,
    ];
    const daemon = spawn(DOCKERD, args, { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    daemon.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    daemon.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const docker = new DockerDaemon(dir, daemon);
    process.once('exit', () => daemon.kill('SIGKILL'));
    try {
      await waitUntil('dockerd to answer', async () => daemon.exitCode === null && (await docker.run(['version'])).code === 0, 30_000, 200);
    } catch (error) {
      await docker.stop();
      throw new Error(`${(error as Error).message}:\n${output.slice(-2000)}`);
    }
    return docker;
  }

  /** The environment that points the docker and docker-compose clients at this daemon. */
  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return cleanEnv({ DOCKER_HOST: `unix://${this.socket}`, DOCKER_BUILDKIT: '1', HOME: this.dir, ...extra });
  }

  run(args: string[], timeoutMs = 60_000): Promise<Exit> {
    return runToExit(DOCKER, args, { env: this.env(), timeoutMs });
  }

  async must(args: string[], timeoutMs = 60_000): Promise<string> {
    const exit = await this.run(args, timeoutMs);
    if (exit.code !== 0) throw new Error(`docker ${args.join(' ')} exited with ${exit.code}: ${exit.stderr.trim()}`);
    return exit.stdout.trim();
  }

  compose(args: string[], env: Record<string, string> = {}, timeoutMs = 120_000): Promise<Exit> {
    return runToExit(DOCKER_COMPOSE, args, { env: this.env(env), timeoutMs });
  }

  /** What a container wrote, on stdout and stderr both. */
  async logs(container: string): Promise<string> {
    const exit = await this.run(['logs', container]);
    return `${exit.stdout}${exit.stderr}`;
  }

  /** Removes every container, stops the daemon (and its containerd), and deletes its directory. */
  async stop(): Promise<void> {
    if (this.daemon.exitCode === null) {
      const containers = await this.run(['ps', '-aq']);
      const ids = containers.stdout.split('\n').filter(Boolean);
      if (ids.length > 0) await this.run(['rm', '-f', ...ids]);
      const exited = new Promise((resolve) => this.daemon.once('exit', resolve));
      this.daemon.kill('SIGTERM');
      // dockerd waits for its containerd; past 20 s neither has anything left worth waiting for.
      const deadline = setTimeout(() => this.daemon.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(deadline);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Where the base image is kept between runs on one machine (`IRONIC_METADATA_TEST_CACHE`). */
const CACHE_DIR = process.env['IRONIC_METADATA_TEST_CACHE'] ?? '/var/cache/ironic-metadata-tests';
const DEBIAN_MIRROR = process.env['DEBIAN_MIRROR'] ?? 'http://deb.debian.org/debian';

/**
 * The image the Dockerfile builds FROM: `NODE_IMAGE` as given when set; else `node:20-bookworm-slim`
 * if it can be pulled; else a stand-in made of Debian packages: a minimal bookworm (debootstrap) with
 * this machine's node and npm, kept as a tar in CACHE_DIR so that later runs only load it.
 */
export async function nodeBaseImage(docker: DockerDaemon): Promise<{ image: string; how: string }> {
  const given = process.env['NODE_IMAGE'];
  if (given) return { image: given, how: 'NODE_IMAGE as given' };
  if ((await docker.run(['pull', 'node:20-bookworm-slim'], 300_000)).code === 0) return { image: 'node:20-bookworm-slim', how: 'pulled' };
  const image = `dp-node-base:${process.versions.node}-bookworm`;
  const cached = join(CACHE_DIR, `node-base-${process.versions.node}-bookworm.tar`);
  if (existsSync(cached)) {
    await docker.must(['load', '-q', '-i', cached], 300_000);
    return { image, how: `loaded from ${cached}` };
  }
  const rootfs = mkdtempSync(join(tmpdir(), 'dp-rootfs-'));
  try {
    const boot = await runToExit('debootstrap', ['--variant=minbase', 'bookworm', rootfs, DEBIAN_MIRROR], {
      env: cleanEnv(),
      timeoutMs: 900_000,
    });
    if (boot.code !== 0) throw new Error(`debootstrap bookworm failed (${boot.code}): ${boot.stderr.trim().slice(-1000)}`);
    // What node:*-slim leaves out too: documentation, manuals, translations, package lists.
    for (const path of ['usr/share/doc', 'usr/share/man', 'usr/share/info', 'usr/share/locale', 'var/cache/apt', 'var/lib/apt/lists']) {
      rmSync(join(rootfs, path), { recursive: true, force: true });
    }
    const npm = dirname(dirname(realpathSync(join(dirname(process.execPath), 'npm'))));
    mkdirSync(join(rootfs, 'usr/local/lib/node_modules'), { recursive: true });
    cpSync(realpathSync(process.execPath), join(rootfs, 'usr/local/bin/node'));
    cpSync(npm, join(rootfs, 'usr/local/lib/node_modules/npm'), { recursive: true });
    symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', join(rootfs, 'usr/local/bin/npm'));
    symlinkSync('../lib/node_modules/npm/bin/npx-cli.js', join(rootfs, 'usr/local/bin/npx'));
    const tar = join(tmpdir(), `dp-rootfs-${process.pid}.tar`);
    const packed = await runToExit('tar', ['-C', rootfs, '-cf', tar, '.'], { env: cleanEnv(), timeoutMs: 300_000 });
    if (packed.code !== 0) throw new Error(`tar: ${packed.stderr}`);
    await docker.must(['import', '--change', 'CMD ["node"]', tar, image], 300_000);
    rmSync(tar, { force: true });
    mkdirSync(CACHE_DIR, { recursive: true });
    await docker.must(['save', '-o', `${cached}.tmp`, image], 300_000);
    renameSync(`${cached}.tmp`, cached);
    return { image, how: `made with debootstrap and this machine's node ${process.version}, cached in ${cached}` };
  } finally {
    rmSync(rootfs, { recursive: true, force: true });
  }
}
