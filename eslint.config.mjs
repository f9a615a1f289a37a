import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

/** What shared/domain and shared/application may not import: the layers that depend on them. */
const OUTER_LAYERS = [
  { group: ['**/adapters/**', '**/adapters'], message: 'Adapters depend on the domain, not the reverse.' },
  {
    group: ['**/contract/**', '**/contract'],
    message: 'The public contract maps the domain; the domain does not read it.',
  },
  { group: ['**/compositionRoot'], message: 'Use cases get their ports as arguments.' },
  {
    group: ['**/functions/**', '**/infra/**'],
    message: 'The domain imports no host or infrastructure code.',
  },
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.local/**',
      '.deploy/**',
      'coverage/**',
      'test-artifacts/**',
      '*.js',
      '*.mjs',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': 'off',
    },
  },
  {
    // The portal's progressive-enhancement script runs in the browser as plain JavaScript.
    files: ['shared/adapters/web/static/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      sourceType: 'script',
      globals: Object.fromEntries(
        ['window', 'document', 'navigator', 'fetch', 'setTimeout', 'clearTimeout', 'URL', 'console'].map(
          (name) => [name, 'readonly'],
        ),
      ),
    },
  },
  {
    // Tests read untyped JSON from HTTP responses; asserting on it is their job.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // The domain and its use cases stay free of Azure packages and of the layers outside them: adapters
    // (and the contract, the composition root, functions/, infra/) depend on them, never the reverse.
    files: ['shared/domain/**/*.ts', 'shared/application/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@azure/*', 'durable-functions'], message: 'The domain imports no Azure package.' },
            ...OUTER_LAYERS,
          ],
        },
      ],
    },
  },
  {
    // The domain's rules use no use case either.
    files: ['shared/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@azure/*', 'durable-functions'], message: 'The domain imports no Azure package.' },
            ...OUTER_LAYERS,
            { group: ['**/application/**', '**/application'], message: 'The domain imports no use case.' },
          ],
        },
      ],
    },
  },
);
