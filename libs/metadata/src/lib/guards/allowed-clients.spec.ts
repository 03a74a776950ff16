import { PassThrough } from 'node:stream';
import { CidrList } from '@ironic-metadata/config';
import { createLogger } from '@ironic-metadata/logging';
import { AllowedClients, REFUSED_CLIENT_LOG_INTERVAL_MS } from './allowed-clients';

describe('AllowedClients', () => {
  it('admits everyone when empty, and only its networks otherwise', () => {
    const logger = createLogger({ level: 'error', stream: new PassThrough() });
    expect(new AllowedClients(new CidrList([]), logger).admits('192.0.2.1')).toBe(true);
    const allowed = new AllowedClients(new CidrList(['10.0.0.0/8']), logger);
    expect(allowed.admits('10.20.30.40')).toBe(true);
    expect(allowed.admits('192.0.2.1')).toBe(false);
  });

  it('counts every refusal and logs at most one line an interval, with how many it covers', async () => {
    const stream = new PassThrough();
    const lines: string[] = [];
    stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().trim().split('\n')));
    let now = 0;
    const metrics = { refused: 0, refusedClient: () => void metrics.refused++ };
    const allowed = new AllowedClients(
      new CidrList(['10.0.0.0/8']),
      createLogger({ level: 'warn', stream, format: 'json' }),
      metrics,
      () => now,
    );
    for (let i = 0; i < 1000; i++) allowed.admits(`192.0.2.${i % 250}`);
    now += REFUSED_CLIENT_LOG_INTERVAL_MS;
    allowed.admits('198.51.100.1');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ message: 'clients outside ALLOWED_CLIENTS refused', clientIp: '192.0.2.0', refusedSinceLastLine: 1 }),
      expect.objectContaining({ clientIp: '198.51.100.1', refusedSinceLastLine: 1000 }),
    ]);
    expect(metrics.refused).toBe(1001);
  });
});
