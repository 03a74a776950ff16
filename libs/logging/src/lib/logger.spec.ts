import { PassThrough } from 'node:stream';
import { createLogger } from './logger';

function capture(format: 'json' | 'console') {
  const stream = new PassThrough();
  const lines: string[] = [];
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
  return { logger: createLogger({ level: 'info', format, stream }), lines };
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

  it('writes readable lines for a terminal', async () => {
    const { logger, lines } = capture('console');
    logger.warn('configdrive masked', { node: 'n1' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines[0]).toMatch(/warn.*configdrive masked \{"node":"n1"\}/);
  });
});
