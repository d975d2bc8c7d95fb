import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.data/', '.tools/', '.cache/', 'coverage/', 'drizzle/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', fetch: 'readonly', AbortSignal: 'readonly', URL: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', require: 'readonly', module: 'readonly', __dirname: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Workflow code is replayed: no I/O, no wall clock, no randomness, no timers but the SDK's (STYLE.md).
    files: ['src/workflows/**/*.ts', 'src/domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'path', 'crypto', 'http', 'https', 'net', 'child_process'], message: 'no Node I/O in workflow or domain code' },
            { group: ['**/activities', '**/activities/*'], allowTypeImports: true, message: 'workflows reach activities through proxyActivities (type imports only)' },
            { group: ['**/db', '**/db/*', '**/channels', '**/channels/*', '**/api', '**/api/*', '**/config'], message: 'workflows import only @temporalio/workflow, src/domain and src/definitions' },
            { group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity'], message: 'not available inside the workflow sandbox' },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'use workflow time (new Date() inside the workflow sandbox is deterministic)' },
        { object: 'Math', property: 'random', message: 'not reproducible outside the workflow sandbox; use uuid4() from @temporalio/workflow' },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setInterval', message: 'use sleep/condition from @temporalio/workflow' },
        { name: 'fetch', message: 'I/O belongs in activities' },
      ],
    },
  },
);
