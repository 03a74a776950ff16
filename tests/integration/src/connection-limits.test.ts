import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { httpFrom } from './support/http-from';
import { startMetadataServer, type RunningServer } from './support/metadata-server';
import { WORKSPACE } from './support/processes';

const INVENTORY = join(WORKSPACE, 'apps/metadata-server/example/inventory.json');
const OPEN_FILES = 4096;
/** Known nodes of the example inventory. */
const NODES = ['127.0.0.11', '127.0.0.12', '127.0.0.13'];
/** 5,000 slow connections from 100 addresses, 50 each, and 1,000 from one: 6,000, past the limit. */
const MANY = Array.from({ length: 100 }, (_, i) => `127.0.1.${i + 1}`);
const PER_ADDRESS = 50;
const ONE = '127.0.2.1';
const FROM_ONE = 1000;
const FLOOD_MS = 12_000;
const FLOOD = join(__dirname, 'support/slow-flood.cjs');

async function metrics(server: RunningServer): Promise<string> {
  return (await fetch(`${server.adminUrl}/metrics`)).text();
}

async function refusals(server: RunningServer): Promise<Record<string, number>> {
  const text = await metrics(server);
  return Object.fromEntries(
    [...text.matchAll(/^metadata_connections_refused_total\{reason="([^"]+)"\} (\d+)/gm)].map((match) => [match[1], Number(match[2])]),
  );
}

describe(`one client cannot starve the others (open-file limit ${OPEN_FILES})`, () => {
  let server: RunningServer;
  let directory: string;
  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'guard-limits-'));
    copyFileSync(INVENTORY, join(directory, 'inventory.json'));
    server = await startMetadataServer({ INVENTORY_FILE: join(directory, 'inventory.json'), LOG_LEVEL: 'info' }, { openFiles: OPEN_FILES });
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('derives its caps from the limit it was given', () => {
    const serving = JSON.parse(
      server
        .logs()
        .split('\n')
        .find((line) => line.includes('serving metadata')) ?? '{}',
    );
    expect(serving).toMatchObject({ maxConnections: 3584, maxConnectionsPerClient: 100, openFiles: 4096 });
  });

  it('answers known nodes within a second through 6,000 slow connections, holds one address to about a hundred, reloads, and counts what it refused', async () => {
    const flood = spawn(
      process.execPath,
      [FLOOD, String(server.port), String(FLOOD_MS), ...MANY.map((from) => `${from}:${PER_ADDRESS}`), `${ONE}:${FROM_ONE}`],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let report = '';
    flood.stdout.on('data', (chunk: Buffer) => (report += chunk.toString()));
    const done = new Promise((resolve) => flood.once('exit', resolve));
    // Let the connections pile up first.
    await new Promise((resolve) => setTimeout(resolve, 2000));

    const latencies: number[] = [];
    const statuses = new Set<number>();
    let reloaded = false;
    let mostFromOne = 0;
    const started = Date.now();
    try {
      while (Date.now() - started < FLOOD_MS - 2000) {
        for (const node of NODES) {
          const asked = performance.now();
          const answer = await httpFrom(node, `${server.url}/openstack/latest/meta_data.json`);
          latencies.push(performance.now() - asked);
          statuses.add(answer.status);
        }
        if (!reloaded && Date.now() - started > FLOOD_MS / 2) {
          // A reload in the thick of it: reads the inventory file, which needs a descriptor.
          server.process.kill('SIGHUP');
          reloaded = true;
        }
        expect((await fetch(`${server.adminUrl}/readyz`)).status).toBe(200);
        const held = /^metadata_connections_most_from_one_client (\d+)/m.exec(await metrics(server));
        mostFromOne = Math.max(mostFromOne, Number(held?.[1]));
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    } finally {
      await done;
    }
    const { opened } = JSON.parse(report) as { opened: number };

    process.stdout.write(
      `latencies (ms): ${latencies.map((ms) => Math.round(ms)).join(' ')}; flood opened ${opened}; most held by one address: ${mostFromOne}; refused: ${JSON.stringify(await refusals(server))}\n`,
    );
    expect([...statuses]).toEqual([200]);
    expect(latencies.length).toBeGreaterThan(10);
    expect(opened).toBeGreaterThan(6000);
    // Within a second, but for the kernel's: a SYN dropped from a full accept queue while the server
    // drains the flood is sent again after 1 s (RFC 6298's initial RTO), so a few answers may take one
    // retransmission longer on a loaded machine; none may fail.
    const sorted = [...latencies].sort((a, b) => a - b);
    expect(sorted[Math.floor(sorted.length * 0.9)]).toBeLessThan(1000);
    expect(sorted[sorted.length - 1]).toBeLessThan(3500);
    expect(mostFromOne).toBeGreaterThan(50);
    expect(mostFromOne).toBeLessThanOrEqual(100);
    const refused = await refusals(server);
    expect(refused['client-limit']).toBeGreaterThan(500);
    expect((refused['evicted'] ?? 0) + (refused['request-timeout'] ?? 0)).toBeGreaterThan(0);
    expect(server.logs()).toContain('SIGHUP: reloading');
    expect(server.logs()).not.toMatch(/EMFILE|refresh failed|cannot load/);
  });
});
