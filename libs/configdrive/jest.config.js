module.exports = {
  displayName: 'configdrive',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
