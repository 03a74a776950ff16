import { startHelperServer, type HelperServerHandle } from './helper-server';

/** Starts the seed-style server (dist/tools/bench/floor-server.js), answering `responses` after a full listing. */
export function startFloorServer(main: string, ironicUrl: string, responses: ReadonlyMap<string, Buffer>): Promise<HelperServerHandle> {
  const bodies = JSON.stringify(Object.fromEntries([...responses].map(([path, body]) => [path, body.toString('base64')])));
  return startHelperServer('floor-server', main, { 'responses.json': bodies }, (paths) => [
    '--ironic',
    ironicUrl,
    '--responses',
    paths['responses.json'],
  ]);
}
