import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CommanderError } from 'commander';
import { runBenchmark } from './lib/benchmark';
import { parseBenchOptions, type BenchOptions } from './lib/options';
import { latencyChartSvg } from './lib/report/latency-chart';
import { formatTable } from './lib/report/table';
import { locateWorkspace } from './lib/workspace';

function optionsOrExit(server: string): BenchOptions {
  try {
    return parseBenchOptions(process.argv.slice(2), { server, now: new Date() });
  } catch (error) {
    // Commander has printed the help or the problem already.
    if (error instanceof CommanderError) process.exit(error.exitCode);
    throw error;
  }
}

async function main(): Promise<void> {
  // Exit through process.exit on a signal, so that every child process is killed on the way out.
  process.once('SIGINT', () => process.exit(130));
  process.once('SIGTERM', () => process.exit(143));
  const workspace = locateWorkspace(__dirname);
  const options = optionsOrExit(workspace.metadataServerMain);
  const report = await runBenchmark({ options, workspace, progress: (line) => process.stderr.write(`bench: ${line}\n`) });
  const jsonFile = resolve(options.out);
  const chartFile = `${jsonFile.replace(/\.json$/, '')}.svg`;
  mkdirSync(dirname(jsonFile), { recursive: true });
  writeFileSync(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(chartFile, latencyChartSvg(report));
  process.stdout.write(`${formatTable(report)}\n\nreport: ${jsonFile}\nchart:  ${chartFile}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`bench: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
