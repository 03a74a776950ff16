import { runTool } from './iso-tools';

describe('runTool', () => {
  it('fails naming the Debian package when a tool is missing, instead of skipping', () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      expect(() => runTool('xorriso', ['-version'])).toThrow(
        'xorriso is not installed: the tests need the Debian package "xorriso" (apt-get install xorriso)',
      );
      expect(() => runTool('isoinfo', ['-version'])).toThrow('the tests need the Debian package "genisoimage"');
    } finally {
      process.env.PATH = path;
    }
  });
});
