module.exports = {
  displayName: 'instance-metadata',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
