import { SETTINGS } from '@ironic-metadata/config';
import { settingsCommand } from './settings';

describe('settings', () => {
  let written: string;
  beforeEach(() => {
    written = '';
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written += String(chunk);
      return true;
    });
  });
  afterEach(() => jest.restoreAllMocks());

  it('lists every setting with its default and meaning', () => {
    expect(settingsCommand({})).toBe(0);
    expect(written).toContain('  BIND_PORT=80\n      the port of BIND_ADDR; npm start uses 8080\n');
    expect(written).toContain('  OS_CACERT  (unset)\n');
    for (const setting of SETTINGS) expect(written).toContain(`  ${setting.name}`);
  });

  it('prints the table as JSON, null where there is no default', () => {
    expect(settingsCommand({ json: true })).toBe(0);
    const listed = JSON.parse(written) as { name: string; default: string | null; field: string }[];
    expect(listed.map((setting) => setting.name)).toEqual(SETTINGS.map((setting) => setting.name));
    expect(listed).toContainEqual(expect.objectContaining({ name: 'OS_INTERFACE', default: 'public', field: 'source.auth.interface' }));
    expect(listed).toContainEqual(expect.objectContaining({ name: 'IRONIC_URL', default: null, field: 'source.url' }));
  });
});
