import { firstJsonLine, startChild, type ChildHandle } from './child-process';

/** What the simulator says of each node (`GET /__sim/nodes`). */
export interface SimNode {
  uuid: string;
  name: string;
  instanceUuid: string;
  address: string;
}

/** The requests the simulator served (`GET /__sim/stats`). */
export interface SimStats {
  total: number;
  byRoute: Record<string, number>;
}

export interface SimulatorHandle {
  url: string;
  child: ChildHandle;
  stats(): Promise<SimStats>;
  nodes(): Promise<SimNode[]>;
  /** Redeploys the simulator's next node (round robin): its `provision_updated_at` moves. */
  redeploy(): Promise<void>;
}

/** The requests served between two snapshots, by route. */
export function statsDelta(before: SimStats, after: SimStats): SimStats {
  const byRoute: Record<string, number> = {};
  for (const [route, count] of Object.entries(after.byRoute)) {
    const served = count - (before.byRoute[route] ?? 0);
    if (served > 0) byRoute[route] = served;
  }
  return { total: after.total - before.total, byRoute };
}

/** Starts the Ironic simulator (dist/tools/ironic-sim/main.js) with `nodes` nodes on a free loopback port. */
export async function startSimulator(main: string, nodes: number): Promise<SimulatorHandle> {
  const child = startChild('ironic-sim', process.execPath, [main, '--nodes', String(nodes)], { PATH: process.env['PATH'] });
  try {
    const { url } = await firstJsonLine<{ url: string }>(child, 5 * 60_000);
    const get = async <T>(path: string) => (await (await fetch(`${url}${path}`)).json()) as T;
    const redeploy = async () => {
      const response = await fetch(`${url}/__sim/redeploy`, { method: 'POST' });
      if (!response.ok) throw new Error(`the simulator answered ${response.status} to POST /__sim/redeploy`);
    };
    return { url, child, stats: () => get<SimStats>('/__sim/stats'), nodes: () => get<SimNode[]>('/__sim/nodes'), redeploy };
  } catch (error) {
    await child.stop();
    throw error;
  }
}
