import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeConfigDrive } from '@ironic-metadata/configdrive';
import { aNode } from '@ironic-metadata/ironic-model/testing';
import { ConfigDriveCache } from './configdrive-cache';
import { httpConfigDriveFetcher } from './http-configdrive-fetcher';

describe('config drives stored as URLs', () => {
  let server: Server;
  let base: string;
  const drive = encodeConfigDrive({ meta_data: { uuid: 'from-swift', hostname: 'swift-node' }, user_data: '#cloud-config\n' });

  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url?.startsWith('/v1/AUTH_x/drives/good')) response.end(drive);
      else if (request.url?.startsWith('/v1/AUTH_x/drives/huge')) response.end(Buffer.alloc(2048, 'A'));
      else response.writeHead(401).end('temp url expired');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/AUTH_x/drives`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const cache = (maxBytes?: number) => new ConfigDriveCache({ fetcher: httpConfigDriveFetcher, maxBytes });

  it('fetches and decodes a Swift temp URL as Ironic stores it', async () => {
    const node = aNode({ instance_info: { configdrive: `${base}/good?temp_url_sig=secret&temp_url_expires=1` } });
    expect(await cache().decode(node)).toMatchObject({ configDrive: { metaData: { uuid: 'from-swift', hostname: 'swift-node' } } });
  });

  it('says an expired URL may be the cause, without showing its signature', async () => {
    const node = aNode({ instance_info: { configdrive: `${base}/expired?temp_url_sig=secret` } });
    const result = await cache().decode(node);
    expect(result).toMatchObject({ problem: expect.stringContaining('answered 401: a temp URL may have expired') });
    expect(JSON.stringify(result)).not.toContain('secret');
  });

  it('refuses a body over the size limit', async () => {
    const node = aNode({ instance_info: { configdrive: `${base}/huge` } });
    expect(await cache(1024).decode(node)).toMatchObject({ problem: expect.stringMatching(/maxContentLength|size|large/i) });
  });
});
