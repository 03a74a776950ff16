import { Command, InvalidArgumentError } from 'commander';
import { startIronicSim } from './lib/sim-server';

function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number');
  return Number(value);
}

async function main(): Promise<void> {
  const options = new Command('ironic-sim')
    .description('An Ironic API simulator for benchmarks: N active nodes with config drives, one port each, on loopback.')
    .option('--nodes <count>', 'how many nodes', wholeNumber, 10_000)
    .option('--port <port>', 'where to listen on the host (0: a free port)', wholeNumber, 0)
    .option('--host <address>', 'a loopback address to listen on', '127.0.0.1')
    .option('--drive-variants <count>', 'distinct config drives shared by the nodes', wholeNumber, 8)
    .parse()
    .opts<{ nodes: number; port: number; host: string; driveVariants: number }>();
  const started = performance.now();
  const sim = await startIronicSim(options);
  // One JSON line on stdout: how a parent process learns the URL.
  process.stdout.write(`${JSON.stringify({ url: sim.url, nodes: options.nodes, readyMs: Math.round(performance.now() - started) })}\n`);
  const stop = () => void sim.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: Error) => {
  process.stderr.write(`ironic-sim: ${error.message}\n`);
  process.exit(1);
});
