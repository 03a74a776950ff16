import { resolve } from 'node:path';

/** Where the programs the benchmark runs are, once built (`npx nx run-many -t build`). */
export interface Workspace {
  simulatorMain: string;
  floorServerMain: string;
  bareServerMain: string;
  metadataServerMain: string;
}

/** The workspace this benchmark was built in: it runs from dist/tools/bench/main.js. */
export function locateWorkspace(benchDirectory: string): Workspace {
  const root = resolve(benchDirectory, '../../..');
  return {
    simulatorMain: resolve(root, 'dist/tools/ironic-sim/main.js'),
    floorServerMain: resolve(benchDirectory, 'floor-server.js'),
    bareServerMain: resolve(benchDirectory, 'bare-server.js'),
    metadataServerMain: resolve(root, 'dist/apps/metadata-server/main.js'),
  };
}
