import { availableParallelism } from 'node:os';
import { parseBenchOptions } from './options';

const defaults = { server: '/x/dist/apps/metadata-server/main.js', now: new Date('2025-03-04T05:06:07.089Z') };

describe('parseBenchOptions', () => {
  it('defaults to the scenario of the targets', () => {
    expect(parseBenchOptions([], defaults)).toEqual({
      nodes: 10_000,
      clients: 256,
      boots: 10_000,
      maxSeconds: 300,
      keepAlive: false,
      skipNginx: false,
      skipPaced: false,
      pacedShare: 0.5,
      pacedSeconds: 15,
      pacedRedeploys: 1,
      nginxWorkers: String(availableParallelism()),
      workers: availableParallelism(),
      skipKeepAlive: false,
      keepAliveSeconds: 10,
      skipFloor: false,
      floorClients: 8,
      floorSeconds: 20,
      server: defaults.server,
      serverEnv: {},
      out: 'bench-results/bench-2025-03-04T05-06-07-089Z.json',
    });
  });

  it('runs nginx with as many workers as the service unless told otherwise', () => {
    expect(parseBenchOptions(['--workers', '3'], defaults)).toMatchObject({ workers: 3, nginxWorkers: '3' });
    expect(parseBenchOptions(['--workers', '3', '--nginx-workers', 'auto'], defaults)).toMatchObject({ workers: 3, nginxWorkers: 'auto' });
  });

  it('boots each node at most once', () => {
    expect(parseBenchOptions(['--nodes', '200', '--boots', '500'], defaults).boots).toBe(200);
    expect(parseBenchOptions(['--nodes', '200', '--boots', '50'], defaults).boots).toBe(50);
  });

  it('collects server settings, and refuses one that is not NAME=value', () => {
    expect(
      parseBenchOptions(['--server-env', 'OPTIMIZE_FOR=speed', '--server-env', 'BIND_ADDR=127.0.0.1,::1'], defaults).serverEnv,
    ).toEqual({ OPTIMIZE_FOR: 'speed', BIND_ADDR: '127.0.0.1,::1' });
    jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(() => parseBenchOptions(['--server-env', 'speed'], defaults)).toThrow();
  });

  it('refuses counts that are not whole numbers from 1', () => {
    jest.spyOn(process.stderr, 'write').mockImplementation(() => true); // commander says why; not here
    for (const bad of [
      ['--nodes', '0'],
      ['--clients', 'many'],
      ['--nginx-workers', '0'],
      ['--paced-share', '1.5'],
      ['--paced-share', '0'],
    ]) {
      expect(() => parseBenchOptions(bad, defaults)).toThrow();
    }
  });
});
