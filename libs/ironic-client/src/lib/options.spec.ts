import { IronicClient } from '../index';

describe('IronicClient options', () => {
  it.each([
    [{}, 'IronicClient: endpoint is required (e.g. http://127.0.0.1:6385) unless auth is keystone'],
    [{ endpoint: 'localhost:6385' }, 'IronicClient: endpoint "localhost:6385" must be an http:// or https:// URL'],
    [{ endpoint: 'http://x', maxVersion: '2' }, 'IronicClient: maxVersion "2" is not an API version like "1.82"'],
    [{ endpoint: 'http://x', timeoutMs: 0 }, 'IronicClient: timeoutMs must be a positive integer, got 0'],
    [{ endpoint: 'http://x', retries: -1 }, 'IronicClient: retries must be an integer >= 0, got -1'],
    [
      { auth: { type: 'keystone', authUrl: 'http://k:5000', username: 'u', password: 'p', userDomainName: 'd', projectDomainName: 'd' } },
      'IronicClient: keystone auth needs auth.projectName or auth.projectId (a project-scoped token)',
    ],
  ] as const)('rejects %j', (options, message) => {
    expect(() => new IronicClient(options)).toThrow(new RangeError(message));
  });
});
