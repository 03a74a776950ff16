module.exports = {
  displayName: 'container',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
