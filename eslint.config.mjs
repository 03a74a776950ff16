import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier/flat';

// Layers, lowest first. A project may import only projects of its own layer or below, so the arrows in
// ARCHITECTURE.md point down by construction. Pure libraries additionally may not reach for I/O.
// The service's settings (libs/config) sit above the Ironic client, whose options they fill.
const layers = [
  'layer:base',
  'layer:pure',
  'layer:io',
  'layer:settings',
  'layer:discovery',
  'layer:service',
  'layer:container',
  'layer:app',
];
const depConstraints = layers.map((tag, index) => ({
  sourceTag: tag,
  onlyDependOnLibsWithTags: layers.slice(0, index + 1),
}));
const ioModules = [
  'axios',
  'express',
  'winston',
  'inversify',
  'fs',
  'node:fs',
  'fs/promises',
  'node:fs/promises',
  'http',
  'node:http',
  'https',
  'node:https',
  'net',
  'node:net',
  'child_process',
  'node:child_process',
];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  { ignores: ['**/dist', '**/node_modules', '**/tmp', '**/*.js', '**/*.cjs'] },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints: [...depConstraints, { sourceTag: 'kind:pure', bannedExternalImports: ioModules }],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // A library is reached by its package name and the entry points its package.json exports, as an
      // outside project reaches it (tools/scripts/check-entry-points.mjs keeps the aliases equal to them).
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^@ironic-metadata/[^/]+/(src|lib|dist)(/|$)',
              message: 'Import the package name or an entry point its package.json exports, not a file inside it.',
            },
          ],
        },
      ],
    },
  },
  {
    // The service's code: an object literal that begins with a spread and goes on (`{ ...a, k: v }`,
    // `{ ...a, ...b }`) gets a hidden class (V8 Map) of its own each time it runs, on Node.js 20 (V8
    // 11.3), when a key after the spread is one the source lacks: the spread's copy is outside V8's
    // transition tree, so each new key makes a new Map, in the old generation. Per request that was
    // about 0.5 KB of old-generation garbage and a full collection every 0.3 s under load.
    // `Object.assign({}, a, { k: v })` and `{ k: v, ...a }` reuse Maps. Object.assign may leave a
    // result of about 20 keys or more in dictionary mode (slower reads; %HasFastProperties): a spread
    // that only replaces keys the source has keeps its Map, and may stay, the rule disabled on its line.
    files: ['libs/**/*.ts', 'apps/metadata-server/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/test-support/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "ObjectExpression[properties.0.type='SpreadElement'][properties.length>1]",
          message:
            'An object literal that begins with a spread and adds a key gets a V8 Map of its own on every run (eslint.config.mjs says why): write Object.assign({}, a, { k: v }), or Object.fromEntries for keys from outside (`__proto__`).',
        },
      ],
    },
  },
  {
    // Tests may use fixtures and child processes even in pure libraries.
    files: ['**/*.spec.ts', '**/test-support/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  // Layout is Prettier's (npm run format, checked by npm run lint): no lint rule argues with it.
  prettier,
];
