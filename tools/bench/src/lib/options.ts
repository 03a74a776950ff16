import { availableParallelism } from 'node:os';
import { Command, InvalidArgumentError } from 'commander';

export interface BenchOptions {
  nodes: number;
  clients: number;
  /** Node boots in the storm (each node boots at most once); default: every node. */
  boots: number;
  /** A load phase stops sending after this long, whatever is left. */
  maxSeconds: number;
  /** One connection per boot instead of cloud-init's connection per request. */
  keepAlive: boolean;
  skipNginx: boolean;
  /** Skip the open-loop phase below saturation. */
  skipPaced: boolean;
  /** Its rate, as a share of the storm's requests a second. */
  pacedShare: number;
  pacedSeconds: number;
  /**
   * Nodes the simulator redeploys a second during the paced phase, with a sync forced halfway
   * (SIGHUP), so that the phase's slowest request is one during a sync that changed nodes; 0: neither.
   */
  pacedRedeploys: number;
  /** nginx's worker_processes; by default `workers`, so both run as many processes. */
  nginxWorkers: string;
  /** Processes of the service (WORKERS), of nginx and of the bare node:http server: one per core by default. */
  workers: number;
  /** Skip the keep-alive phases (wrk against the service, the bare node:http server and nginx). */
  skipKeepAlive: boolean;
  /** How long each keep-alive run lasts. */
  keepAliveSeconds: number;
  skipFloor: boolean;
  floorClients: number;
  floorSeconds: number;
  /** The built metadata server to measure. */
  server: string;
  /** Run the server under `node --cpu-prof`, writing its profile here. */
  cpuProfileDir?: string;
  /** NODE_OPTIONS for the server, to try V8 settings such as `--max-old-space-size=256`. */
  serverNodeOptions?: string;
  /** More of the server's environment, e.g. `OPTIMIZE_FOR=speed`. */
  serverEnv: Record<string, string>;
  /** The JSON report; the chart goes beside it with `.svg`. */
  out: string;
}

function positive(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('expected a whole number from 1');
  return Number(value);
}

/** `NAME=value`, collected into one environment. */
function assignment(value: string, previous: Record<string, string>): Record<string, string> {
  const match = /^([A-Z][A-Z0-9_]*)=(.*)$/s.exec(value);
  if (!match) throw new InvalidArgumentError('expected NAME=value, e.g. OPTIMIZE_FOR=speed');
  return { ...previous, [match[1]]: match[2] };
}

function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number from 0');
  return Number(value);
}

function share(value: string): number {
  const fraction = Number(value);
  if (!/^\d*\.?\d+$/.test(value) || !(fraction > 0 && fraction <= 1))
    throw new InvalidArgumentError('expected a fraction above 0, at most 1, e.g. 0.5');
  return fraction;
}

function workers(value: string): string {
  if (value !== 'auto' && !/^[1-9]\d*$/.test(value)) throw new InvalidArgumentError('expected a whole number from 1, or auto');
  return value;
}

/** The command line; defaults are the scenario the targets are set for (10,000 nodes, 256 clients). */
export function parseBenchOptions(argv: readonly string[], defaults: { server: string; now: Date }): BenchOptions {
  const stamp = defaults.now.toISOString().replace(/[:.]/g, '-');
  const parsed = new Command('bench')
    .description(
      'Boot-storm benchmark of the metadata server against an Ironic simulator, with nginx as the ceiling and the seed as the floor.',
    )
    .option('--nodes <count>', 'nodes in the simulated Ironic', positive, 10_000)
    .option('--clients <count>', 'concurrent booting nodes, each from its own 127.x.y.z address', positive, 256)
    .option('--boots <count>', 'node boots in the storm (default: every node once)', positive)
    .option('--max-seconds <seconds>', 'time bound of each load phase', positive, 300)
    .option('--keep-alive', "one connection per boot (default: a new connection per request, as cloud-init's requests do)", false)
    .option('--skip-nginx', 'do not measure the nginx ceiling', false)
    .option('--skip-paced', 'do not measure latency below saturation (boots at a fixed rate)', false)
    .option('--paced-share <fraction>', "the paced phase's rate, as a share of the storm's requests a second", share, 0.5)
    .option('--paced-seconds <seconds>', 'how long the paced phase starts boots for', positive, 15)
    .option(
      '--paced-redeploys <per-second>',
      'nodes redeployed a second in the simulator during the paced phase, with a sync forced halfway (SIGHUP) to pick them up; 0: none',
      wholeNumber,
      1,
    )
    .option(
      '--workers <count>',
      'processes of the service (WORKERS), of nginx and of the bare node:http server (default: one per core)',
      positive,
      availableParallelism(),
    )
    .option('--nginx-workers <count>', 'nginx worker_processes, if not --workers (a number, or auto: one per core)', workers)
    .option('--skip-keep-alive', 'do not run wrk with keep-alive connections against the service, bare node:http and nginx', false)
    .option('--keep-alive-seconds <seconds>', 'how long each wrk run lasts', positive, 10)
    .option('--skip-floor', "do not measure the seed's list-per-request floor", false)
    .option('--floor-clients <count>', 'concurrent clients for the floor (each of its requests lists every node)', positive, 8)
    .option('--floor-seconds <seconds>', 'time bound of the floor phase', positive, 20)
    .option('--server <path>', 'the built metadata server', defaults.server)
    .option('--cpu-profile-dir <dir>', 'run the server with node --cpu-prof and write its profile here')
    .option('--server-node-options <flags>', 'NODE_OPTIONS for the server, e.g. "--max-old-space-size=256"')
    .option('--server-env <NAME=value>', 'a setting for the server, e.g. OPTIMIZE_FOR=speed (repeatable)', assignment, {})
    .option('--out <file>', 'the JSON report (the SVG chart goes beside it)', `bench-results/bench-${stamp}.json`)
    .exitOverride()
    .parse(argv, { from: 'user' })
    .opts<Omit<BenchOptions, 'boots' | 'nginxWorkers'> & { boots?: number; nginxWorkers?: string }>();
  return {
    ...parsed,
    boots: Math.min(parsed.boots ?? parsed.nodes, parsed.nodes),
    nginxWorkers: parsed.nginxWorkers ?? String(parsed.workers),
  };
}
