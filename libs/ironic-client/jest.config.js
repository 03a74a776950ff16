module.exports = {
  displayName: 'ironic-client',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
