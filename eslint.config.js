import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', 'node_modules/**', 'web-ext-artifacts/**', '.tmp/**', 'bench-results/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    // Type-aware: the rules that catch floating promises, unsafe `any` and
    // non-exhaustive switches need the program, so lint reads tsconfig.json.
    languageOptions: {
      globals: { ...globals.browser, ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
    },
  },
  {
    // Plain JavaScript config files are not part of the TypeScript program.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    // Settings are data and their store: no browser API of their own (the background hands them a storage area).
    files: ['src/settings/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['webextension-polyfill', '**/background/**', '**/ui/**'] }],
      'no-restricted-globals': ['error', 'chrome', 'browser'],
    },
  },
  {
    // The background reaches the browser only through the BackgroundApi that index.ts builds, so tests can hand it fakes.
    files: ['src/background/**'],
    ignores: ['src/background/index.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['webextension-polyfill', '**/ui/**'] }],
      'no-restricted-globals': ['error', 'chrome', 'browser'],
    },
  },
  {
    // src/core is pure logic: no browser API, so it tests and runs anywhere.
    files: ['src/core/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['webextension-polyfill', '**/background/**', '**/storage/**', '**/ui/**'] }],
      'no-restricted-globals': ['error', 'chrome', 'browser', 'indexedDB', 'localStorage'],
    },
  },
  {
    // Components render from props: the browser is reached only from each page's main.tsx.
    files: ['src/ui/**/*.tsx'],
    ignores: ['src/ui/**/main.tsx'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['webextension-polyfill', '**/messaging/send-message'] }] },
  },
  {
    // The pages read the browser's own namespace in one place (browser-namespace.ts); the rest go through it or the polyfill.
    files: ['src/ui/**', 'src/messaging/**'],
    ignores: ['src/messaging/browser-namespace.ts'],
    rules: { 'no-restricted-globals': ['error', 'chrome', 'browser'] },
  },
  {
    // The Chrome/Firefox split of onAuthRequired lives in one file only.
    files: ['src/**'],
    ignores: ['src/background/auth-listener.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[property.name='onAuthRequired']", message: 'Use src/background/auth-listener.ts.' },
      ],
    },
  },
);
