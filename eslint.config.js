import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'var/', 'libs/database/src/generated/', 'pulumi/**/bin/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
    // No consistent-type-imports: Nest reads constructor parameter types at run time (decorator
    // metadata), so a class used only as an injected type must stay a value import.
    // no-control-regex off: refusing control characters in names and logos is done with such regexes on purpose.
    rules: {
      'no-control-regex': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'error', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  { files: ['**/*.js'], languageOptions: { globals: { require: 'readonly', module: 'writable' } } },
);
