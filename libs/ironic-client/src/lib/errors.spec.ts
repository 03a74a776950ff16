import { IronicApiError, IronicAuthError, IronicConnectionError, IronicError, IronicResponseError, IronicVersionError } from './errors';

describe('the client errors', () => {
  it.each([
    [new IronicApiError('GET', 'http://ironic/v1/nodes', 404, 'Node x could not be found.'), 'IronicApiError', 'IRONIC_API'],
    [
      new IronicConnectionError('GET', 'http://ironic/v1', 'ECONNREFUSED', false, 3, {
        service: 'ironic',
        endpoint: 'http://ironic',
        namedBy: 'options',
      }),
      'IronicConnectionError',
      'IRONIC_CONNECTION',
    ],
    [
      new IronicAuthError('GET', 'http://ironic/v1', 401, 'credentials refused', { refused: 'http_basic', advice: 'Check them.' }),
      'IronicAuthError',
      'IRONIC_AUTH',
    ],
    [new IronicResponseError('GET', 'http://ironic/v1', 200, ['not JSON']), 'IronicResponseError', 'IRONIC_RESPONSE'],
    [new IronicVersionError('GET', 'http://ironic/v1/nodes', 'the owner filter', '1.50', '1.1'), 'IronicVersionError', 'IRONIC_VERSION'],
  ])('%s carries a stable name and code, for callers that cannot use instanceof', (error, name, code) => {
    expect(error).toBeInstanceOf(IronicError);
    expect(error).toMatchObject({ name, code });
    expect(String(error)).toMatch(new RegExp(`^${name}: GET http://ironic/v1`));
  });
});
