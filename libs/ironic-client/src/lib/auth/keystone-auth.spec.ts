import { IronicAuthError, IronicClient, IronicConnectionError, type KeystoneAuthOptions } from '../../index';
import { startFakeServer, unusedUrl, type FakeServer } from '../../test-support/fake-http-server';
import { fakeIronic, ironicError } from '../../test-support/fake-ironic';
import { fakeKeystone, type FakeKeystoneOptions } from '../../test-support/fake-keystone';

const node = { uuid: '00000000-0000-4000-8000-000000000001', provision_state: 'active' };

describe('keystone auth', () => {
  let ironic: FakeServer;
  let keystone: FakeServer;
  /** Ironic accepts the tokens in `accepted` on its API; `/` is open, as in Ironic. */
  let accepted: (token: string | undefined) => boolean;

  beforeEach(async () => {
    accepted = () => true;
    const api = fakeIronic({ nodes: [node] });
    ironic = await startFakeServer((request, baseUrl) => {
      const token = request.headers['x-auth-token'] as string | undefined;
      return request.url === '/' || accepted(token) ? api(request, baseUrl) : ironicError(401, 'Invalid token');
    });
  });
  afterEach(async () => {
    await ironic.close();
    await keystone?.close();
  });

  const startKeystone = async (options: Partial<FakeKeystoneOptions> = {}) => {
    keystone = await startFakeServer(
      fakeKeystone({ endpoints: [{ interface: 'public', region_id: 'RegionOne', url: ironic.url }], ...options }),
    );
  };
  const auth = (overrides: Partial<KeystoneAuthOptions> = {}): KeystoneAuthOptions => ({
    type: 'keystone',
    authUrl: `${keystone.url}/v3`,
    username: 'metadata',
    password: 'secret',
    projectName: 'baremetal',
    userDomainName: 'Default',
    projectDomainName: 'Default',
    ...overrides,
  });
  const tokenRequests = () => keystone.requests.length;
  const apiTokens = () => ironic.requests.filter((request) => request.url !== '/').map((request) => request.headers['x-auth-token']);

  it('asks for a project-scoped token and sends it to the catalog endpoint', async () => {
    await startKeystone();
    const client = new IronicClient({ auth: auth() });
    await client.getNode(node.uuid);
    await client.getNode(node.uuid);
    expect(tokenRequests()).toBe(1);
    expect(JSON.parse(keystone.requests[0].body)).toEqual({
      auth: {
        identity: { methods: ['password'], password: { user: { name: 'metadata', password: 'secret', domain: { name: 'Default' } } } },
        scope: { project: { name: 'baremetal', domain: { name: 'Default' } } },
      },
    });
    expect(apiTokens()).toEqual(['token-1', 'token-1']);
  });

  it('picks the endpoint by interface and region, scopes by project id, and prefers an explicit endpoint', async () => {
    await startKeystone({
      endpoints: [
        { interface: 'public', region_id: 'RegionOne', url: 'http://public.invalid:6385' },
        { interface: 'internal', region_id: 'RegionOne', url: 'http://internal-one.invalid:6385' },
        { interface: 'internal', region_id: 'RegionTwo', url: `${ironic.url}/v1` },
      ],
    });
    const fromCatalog = new IronicClient({
      auth: auth({ interface: 'internal', regionName: 'RegionTwo', projectName: undefined, projectId: 'p-42' }),
    });
    expect(await fromCatalog.getNode(node.uuid)).toMatchObject(node);
    expect(JSON.parse(keystone.requests[0].body).auth.scope).toEqual({ project: { id: 'p-42' } });
    const explicit = new IronicClient({ endpoint: ironic.url, auth: auth() });
    expect(await explicit.getNode(node.uuid)).toMatchObject(node);
  });

  it('renews the token shortly before it expires', async () => {
    // A 600 ms token is renewed at half its life.
    await startKeystone({ lifetimeMs: 600 });
    const client = new IronicClient({ auth: auth() });
    await client.getNode(node.uuid);
    await client.getNode(node.uuid);
    await new Promise((resolve) => setTimeout(resolve, 350));
    await client.getNode(node.uuid);
    expect(apiTokens()).toEqual(['token-1', 'token-1', 'token-2']);
  });

  it('gets a new token once when Ironic refuses one, and succeeds with it', async () => {
    await startKeystone();
    accepted = (token) => token !== 'token-1';
    expect(await new IronicClient({ auth: auth() }).getNode(node.uuid)).toMatchObject(node);
    expect(apiTokens()).toEqual(['token-1', 'token-2']);
  });

  it('gives up after exactly one renewal when Ironic keeps refusing', async () => {
    await startKeystone();
    accepted = () => false;
    const failure = new IronicClient({ auth: auth() }).getNode(node.uuid);
    await expect(failure).rejects.toThrow(IronicAuthError);
    await expect(failure).rejects.toThrow(
      'failed (answered 401): Ironic refused the credentials (Invalid token). Ironic refused a fresh Keystone token',
    );
    expect(apiTokens()).toEqual(['token-1', 'token-2']);
    expect(tokenRequests()).toBe(2);
  });

  it("reports credentials Keystone refuses, and which ones (no caller's setting names)", async () => {
    await startKeystone({ password: 'other' });
    const failure = new IronicClient({ auth: auth() }).negotiate();
    await expect(failure).rejects.toMatchObject({ code: 'IRONIC_AUTH', refused: 'keystone_password', status: 401 });
    await expect(failure).rejects.toThrow(
      new Error(
        `POST ${keystone.url}/v3/auth/tokens failed (answered 401): Keystone did not issue a token ` +
          '(The request you have made requires authentication). Check the username ("metadata"), the password, ' +
          "the user's domain, the project (name and domain, or id) and the Keystone URL.",
      ),
    );
  });

  it('reports a catalog without a matching baremetal endpoint', async () => {
    await startKeystone({ endpoints: [{ interface: 'internal', region_id: 'RegionOne', url: 'http://internal.invalid:6385' }] });
    const failure = new IronicClient({ auth: auth() }).negotiate();
    await expect(failure).rejects.toMatchObject({ refused: 'catalog' });
    await expect(failure).rejects.toThrow(
      "the token's catalog has no public baremetal endpoint (it has: internal/RegionOne http://internal.invalid:6385). " +
        'Register Ironic in the Keystone catalog, ask for another interface or region, or give the endpoint.',
    );
    // With the interface the catalog has, its endpoint is the one asked, and the error says who named it.
    const internal = new IronicClient({ auth: { ...auth(), interface: 'internal' }, retries: 0 }).negotiate();
    await expect(internal).rejects.toMatchObject({
      code: 'IRONIC_CONNECTION',
      target: { service: 'ironic', endpoint: 'http://internal.invalid:6385', namedBy: 'catalog' },
    });
    await expect(internal).rejects.toThrow(
      'Is Ironic running at http://internal.invalid:6385 (the baremetal endpoint of the Keystone catalog)? Check the catalog, or give the endpoint.',
    );
  });

  it('names Keystone as the server that does not answer', async () => {
    const authUrl = await unusedUrl();
    const failure = new IronicClient({ auth: { ...auth(), authUrl }, retries: 0 }).negotiate();
    await expect(failure).rejects.toThrow(IronicConnectionError);
    await expect(failure).rejects.toMatchObject({ target: { service: 'keystone', endpoint: authUrl, namedBy: 'options' } });
    await expect(failure).rejects.toThrow(new RegExp(`after 1 attempt\\. Is Keystone running at ${authUrl}\\?$`));
  });
});
