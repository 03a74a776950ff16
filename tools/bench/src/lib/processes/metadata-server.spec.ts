import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { scrapeStalls } from './metadata-server';

describe('scrapeStalls', () => {
  /** An admin listener answering /metrics with `text`, for the time of `use`. */
  async function withMetrics<T>(text: string, use: (adminUrl: string) => Promise<T>): Promise<T> {
    const server = createServer((_, response) => response.end(text)).listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      return await use(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    } finally {
      server.close();
    }
  }

  it('takes the highest delay and pause of any process, in ms, and the kind of that pause', async () => {
    const text = [
      'metadata_event_loop_delay_p99_seconds{process="primary"} 0.002',
      'metadata_event_loop_delay_p99_seconds{process="worker 1"} 0.0215',
      'metadata_gc_pause_max_seconds{process="worker 1",kind="minor"} 0.004',
      'metadata_gc_pause_max_seconds{process="worker 2",kind="major"} 0.0502',
      'metadata_gc_pause_max_seconds{process="worker 2",kind="incremental"} 0.001',
      'metadata_gc_pause_seconds_total{process="worker 2",kind="major"} 3.5',
    ].join('\n');
    const stalls = await withMetrics(text, scrapeStalls);
    expect(stalls.eventLoopDelayP99Ms).toBeCloseTo(21.5);
    expect(stalls.gcPauseMaxMs).toBeCloseTo(50.2);
    expect(stalls.gcPauseMaxKind).toBe('major');
  });

  it('leaves out what the service does not report', async () => {
    expect(await withMetrics('metadata_requests_total{family="openstack",status="200"} 4', scrapeStalls)).toEqual({
      eventLoopDelayP99Ms: undefined,
      gcPauseMaxMs: undefined,
      gcPauseMaxKind: undefined,
    });
  });
});
