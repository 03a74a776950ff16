import { decodeConfigDrive } from './decode';

describe('ConfigDriveError', () => {
  it('carries a stable name and code, for callers that cannot use instanceof', async () => {
    await expect(decodeConfigDrive('******')).rejects.toMatchObject({ name: 'ConfigDriveError', code: 'masked' });
  });
});
