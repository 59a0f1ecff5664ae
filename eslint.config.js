// Lint rules that guard the defects of the original implementation; style is left to the formatter.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tmp/**', 'vitest.config.ts', 'vitest.mutation.config.ts', 'reports/**', '**/*.cjs', '**/*.d.cts', 'test/fixtures/type-errors/**'] },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      // Design rule 9 (docs/design.md): no floating promise, so no event is lost to an un-awaited send.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
);
