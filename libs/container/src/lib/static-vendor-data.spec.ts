import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VendorDataError } from '@ironic-metadata/metadata';
import { readStaticVendorData } from './static-vendor-data';

describe('readStaticVendorData', () => {
  const dir = mkdtempSync(join(tmpdir(), 'routes-vendor-data-'));
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };

  it('reads a JSON object', () => {
    expect(readStaticVendorData(file('ok.json', '{"region": "r1"}'))).toEqual({ region: 'r1' });
  });

  it.each([
    ['a missing file', () => join(dir, 'missing.json'), /^VENDOR_DATA_FILE .*missing\.json: cannot read it \(ENOENT\)$/],
    ['text that is not JSON', () => file('bad.json', '{region'), /^VENDOR_DATA_FILE .*bad\.json: not valid JSON: /],
    ['a JSON array', () => file('array.json', '[1]'), /^VENDOR_DATA_FILE .*array\.json: expected a JSON object$/],
  ])('refuses %s, naming the setting and the file', (_case, path, message) => {
    const read = () => readStaticVendorData(path());
    expect(read).toThrow(VendorDataError);
    expect(read).toThrow(message);
  });
});
