import { IronicAuthError, IronicClient } from '../../index';
import { startFakeServer, type FakeServer } from '../../test-support/fake-http-server';
import { fakeIronic, ironicError } from '../../test-support/fake-ironic';

const node = { uuid: '00000000-0000-4000-8000-000000000001', provision_state: 'active' };

/** Ironic with http_basic: `/` is open, the API needs `admin:good`. */
async function basicAuthIronic(): Promise<FakeServer> {
  const ironic = fakeIronic({ nodes: [node] });
  const expected = `Basic ${Buffer.from('admin:good').toString('base64')}`;
  return startFakeServer((request, baseUrl) => {
    if (request.url !== '/' && request.headers.authorization !== expected) {
      return { ...ironicError(401, 'Unauthorized'), headers: { 'WWW-Authenticate': 'Basic realm="Baremetal API"' } };
    }
    return ironic(request, baseUrl);
  });
}

describe('http_basic auth', () => {
  let server: FakeServer;
  afterEach(() => server.close());

  it('sends the Authorization header on every request', async () => {
    server = await basicAuthIronic();
    const client = new IronicClient({ endpoint: server.url, auth: { type: 'http_basic', username: 'admin', password: 'good' } });
    expect(await client.listNodes().all()).toHaveLength(1);
    expect(server.requests.every((request) => request.headers.authorization === 'Basic YWRtaW46Z29vZA==')).toBe(true);
  });

  it('reports refused credentials once, with what to check', async () => {
    server = await basicAuthIronic();
    const client = new IronicClient({ endpoint: server.url, auth: { type: 'http_basic', username: 'admin', password: 'bad' } });
    const failure = client.getNode(node.uuid);
    await expect(failure).rejects.toThrow(IronicAuthError);
    await expect(failure).rejects.toThrow(
      new Error(
        `GET ${server.url}/v1/nodes/${node.uuid} failed (answered 401): Ironic refused the credentials (Unauthorized). ` +
          'Ironic refused user "admin"; check the username and password against the bcrypt htpasswd file named by ' +
          "Ironic's [DEFAULT]http_basic_auth_user_file, and that Ironic's auth_strategy is http_basic.",
      ),
    );
    expect(server.requests.filter((request) => request.url !== '/')).toHaveLength(1);
  });

  it('tells a client without credentials that Ironic wants some', async () => {
    server = await basicAuthIronic();
    const failure = new IronicClient({ endpoint: server.url }).getNode(node.uuid);
    await expect(failure).rejects.toMatchObject({ refused: 'missing', status: 401 });
    await expect(failure).rejects.toThrow(
      'This Ironic requires authentication; give http_basic or keystone credentials, as its auth_strategy asks.',
    );
  });

  it('explains a 403 as a policy matter', async () => {
    server = await startFakeServer((request, baseUrl) =>
      request.url === '/' ? fakeIronic()(request, baseUrl) : ironicError(403, 'Access was denied'),
    );
    const client = new IronicClient({ endpoint: server.url, auth: { type: 'http_basic', username: 'admin', password: 'good' } });
    await expect(client.getNode(node.uuid)).rejects.toMatchObject({ status: 403 });
    await expect(client.getNode(node.uuid)).rejects.toThrow("Ironic's policy does not allow this call");
  });
});
