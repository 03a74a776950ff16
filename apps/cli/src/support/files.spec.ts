import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readInputFile } from './files';

describe('readInputFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-files-'));

  it('names the file, why it cannot be read and the fix, as a usage error', () => {
    expect(() => readInputFile(dir, 'give a file')).toThrow(`cannot read ${dir}: it is a directory; give a file`);
    expect(() => readInputFile(join(dir, 'gone'), 'give a file')).toThrow(`cannot read ${join(dir, 'gone')}: no such file; give a file`);
    let refused: unknown;
    try {
      readInputFile(dir, 'give a file');
    } catch (error) {
      refused = error;
    }
    expect(refused).toMatchObject({ code: 'USAGE', cause: { code: 'EISDIR' } });
  });
});
