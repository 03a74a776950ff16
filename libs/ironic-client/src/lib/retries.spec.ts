import { IronicApiError, IronicClient, IronicConnectionError } from '../index';
import { startFakeServer, unusedUrl, type FakeAnswer, type FakeServer } from '../test-support/fake-http-server';
import { fakeIronic, ironicError } from '../test-support/fake-ironic';

const node = { uuid: '00000000-0000-4000-8000-000000000001', provision_state: 'active' };

/** A fake Ironic whose API answers come from `script` (one answer per request, the last one repeated). */
async function scriptedIronic(script: FakeAnswer[]): Promise<FakeServer> {
  const ironic = fakeIronic({ nodes: [node] });
  let apiCalls = 0;
  return startFakeServer((request, baseUrl) => {
    if (request.url === '/') return ironic(request, baseUrl);
    const answer = script[Math.min(apiCalls, script.length - 1)];
    apiCalls += 1;
    return answer;
  });
}

describe('retries and time limits', () => {
  let server: FakeServer | undefined;
  const apiRequests = () => server?.requests.filter((request) => request.url !== '/') ?? [];
  afterEach(() => server?.close());

  it('repeats a GET answered 5xx, then succeeds', async () => {
    server = await scriptedIronic([ironicError(500, 'boom'), { status: 502, body: 'Bad Gateway' }, { body: node }]);
    const client = new IronicClient({ endpoint: server.url, retryBaseDelayMs: 1 });
    expect(await client.getNode(node.uuid)).toMatchObject(node);
    expect(apiRequests()).toHaveLength(3);
  });

  it('gives up after the configured retries with the last status', async () => {
    server = await scriptedIronic([ironicError(500, 'database is locked')]);
    const failure = new IronicClient({ endpoint: server.url, retries: 2, retryBaseDelayMs: 1 }).getNode(node.uuid);
    await expect(failure).rejects.toThrow(IronicApiError);
    await expect(failure).rejects.toThrow(
      new Error(
        `GET ${server.url}/v1/nodes/${node.uuid} failed: Ironic answered 500: database is locked. ` +
          'Ironic failed internally; check the Ironic API and conductor logs.',
      ),
    );
    expect(apiRequests()).toHaveLength(3);
  });

  it('honours Retry-After on a 503', async () => {
    server = await scriptedIronic([{ ...ironicError(503, 'No conductor'), headers: { 'Retry-After': '0' } }, { body: node }]);
    const client = new IronicClient({ endpoint: server.url, retryBaseDelayMs: 60_000 });
    expect(await client.getNode(node.uuid)).toMatchObject(node);
    expect(apiRequests()).toHaveLength(2);
  });

  it.each([400, 404, 406, 409])('does not repeat a request answered %i', async (status) => {
    server = await scriptedIronic([ironicError(status, 'no')]);
    await expect(new IronicClient({ endpoint: server.url, retryBaseDelayMs: 1 }).getNode(node.uuid)).rejects.toMatchObject({ status });
    expect(apiRequests()).toHaveLength(1);
  });

  it('does not repeat a PATCH answered 5xx: it may have been applied', async () => {
    server = await scriptedIronic([ironicError(500, 'boom')]);
    const client = new IronicClient({ endpoint: server.url, retryBaseDelayMs: 1 });
    await expect(client.patchNode(node.uuid, [{ op: 'remove', path: '/extra/x' }])).rejects.toMatchObject({ status: 500 });
    expect(apiRequests()).toHaveLength(1);
  });

  it('repeats when the connection is refused, then names the endpoint to check', async () => {
    const url = await unusedUrl();
    const failure = new IronicClient({ endpoint: url, retries: 2, retryBaseDelayMs: 1 }).negotiate();
    await expect(failure).rejects.toThrow(IronicConnectionError);
    await expect(failure).rejects.toMatchObject({
      attempts: 3,
      timedOut: false,
      method: 'GET',
      url: `${url}/`,
      target: { service: 'ironic', endpoint: url, namedBy: 'options' },
    });
    await expect(failure).rejects.toThrow(
      new RegExp(`^GET ${url}/ failed: no answer \\(ECONNREFUSED: .*\\) after 3 attempts\\. Is Ironic running at ${url}\\?$`),
    );
  });

  it('limits the time of each exchange and repeats after a time-out', async () => {
    server = await scriptedIronic([{ body: node, delayMs: 2_000 }]);
    const started = Date.now();
    const failure = new IronicClient({ endpoint: server.url, timeoutMs: 100, retries: 1, retryBaseDelayMs: 1 }).getNode(node.uuid);
    await expect(failure).rejects.toMatchObject({ timedOut: true, attempts: 2 });
    await expect(failure).rejects.toThrow(
      `GET ${server.url}/v1/nodes/${node.uuid} failed: no answer (timed out after 100 ms) after 2 attempts. Is Ironic running at ${server.url}?`,
    );
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(apiRequests()).toHaveLength(2);
  });
});
