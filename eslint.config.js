import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { readdirSync } from 'node:fs';
import { URL } from 'node:url';

/** Each folder of src/features is one feature; the lint zones below are drawn per feature. */
const features = readdirSync(new URL('./src/features', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

export default tseslint.config(
  { ignores: ['dist/', 'dist-broker/', 'node_modules/', 'firmware/build/', 'firmware/.pio/', '.data/', 'test-results/', 'playwright-report/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    // The contract is imported by everyone and imports nothing of ours.
    files: ['protocol/**/*.ts'],
    ignores: ['protocol/**/*.test.ts', 'protocol/vectors/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['../*', '@/*', 'node:*', 'react', 'react-dom'] }],
    },
  },
  // Bulletproof-react's zones: features never import each other or the app shell (they share through src/lib,
  // src/components, src/hooks and the store), and shared code never imports a feature or the app.
  ...features.map((feature) => ({
    files: [`src/features/${feature}/**/*.{ts,tsx}`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: `^@/features/(?!${feature}/)`, message: 'Features never import each other: share through src/lib, src/components or the store.' },
            { regex: '^@/app(/|$)', message: 'Features never import the app shell.' },
            { regex: '^\\.\\./', message: 'Reach outside this feature through @/ (and never into another feature).' },
          ],
        },
      ],
    },
  })),
  {
    files: ['src/lib/**/*.{ts,tsx}', 'src/components/**/*.{ts,tsx}', 'src/stores/**/*.{ts,tsx}', 'src/hooks/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(@/(features|app)|(\\.\\./)+(features|app))(/|$)', message: 'Shared code never imports a feature or the app.' }] },
      ],
    },
  },
  {
    // Test files share one module graph per worker (vitest.config.ts, isolate: false): a module mock would leak into
    // or miss other files. Mocking files are named *.isolated.test.* and run in a project of their own.
    files: ['**/*.test.{ts,tsx}'],
    ignores: ['**/*.isolated.test.{ts,tsx}'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='vi'][callee.property.name=/^(mock|doMock|unmock|doUnmock)$/]",
          message: 'Module mocks leak between files that share a module graph: name this file *.isolated.test.ts(x).',
        },
      ],
    },
  },
  {
    // The broker and the app share only the protocol; never each other.
    files: ['broker/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/src/app/**', '**/src/features/**', '**/src/shared/**', '**/src/lib/**', '**/src/stores/**', '**/src/components/**'] }],
    },
  },
);
