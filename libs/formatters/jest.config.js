module.exports = {
  displayName: 'formatters',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
