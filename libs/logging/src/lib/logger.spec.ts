import { PassThrough } from 'node:stream';
import { createLogger } from './logger';

function capture(format: 'json' | 'console', fields?: Record<string, string>) {
  const stream = new PassThrough();
  const lines: string[] = [];
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
  return { logger: createLogger({ level: 'info', format, stream, fields }), lines };
}

describe('createLogger', () => {
  it('writes one JSON object a line with the fields given', async () => {
    const { logger, lines } = capture('json');
    logger.info('request', { requestId: 'abc', status: 200 });
    logger.debug('hidden below the level');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ level: 'info', message: 'request', requestId: 'abc', status: 200 });
  });

  it('puts the fields it was made with on every line', async () => {
    const { logger, lines } = capture('json', { site: 'dc1' });
    logger.info('node index loaded', { nodes: 3 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(JSON.parse(lines[0])).toMatchObject({ site: 'dc1', message: 'node index loaded', nodes: 3 });
  });

  it('writes readable lines for a terminal', async () => {
    const { logger, lines } = capture('console');
    logger.warn('configdrive masked', { node: 'n1' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines[0]).toMatch(/warn.*configdrive masked \{"node":"n1"\}/);
  });
});
