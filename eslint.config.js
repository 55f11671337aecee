// Lint configuration: typescript-eslint strictTypeChecked, exhaustive switches, vitest rules,
// and a ban on AWS SDK imports under rules/ (rules are pure).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import vitest from '@vitest/eslint-plugin';

export default tseslint.config(
  { ignores: ['node_modules', 'coverage', 'cdk.out', 'dist', 'bin', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-floating-promises': 'error',
      'no-console': 'off',
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportDeclaration[source.value='zod'] > ImportSpecifier[imported.name='z']",
          message: "Use `import * as z from 'zod'`: the named `z` namespace defeats tree-shaking (443 KB instead of 83 KB bundled).",
        },
      ],
    },
  },
  {
    files: ['rules/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@aws-sdk/*', '@smithy/*', 'aws-sdk'], message: 'Rules are pure: no AWS SDK under rules/.' },
            { group: ['node:fs', 'node:http', 'node:https', 'node:net', 'fs', 'http', 'https', 'net'], message: 'Rules are pure: no I/O under rules/.' },
            {
              regex: '(^|/)(functions/shared/(executor|store|aws|remediation|slack|bus|notifier|baseline|engine|responder|approval|scan|heartbeat)(/|$)|functions/shared/(env|observability)$|sim(/|$))',
              message: 'Rules are pure: no side-effect folder under rules/ (functions/shared/README.md lists the layers).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    plugins: { vitest },
    rules: {
      ...vitest.configs.recommended.rules,
      'vitest/no-focused-tests': 'error',
      'vitest/no-disabled-tests': 'error',
      // fast-check's fc.assert fails the test when a property fails.
      'vitest/expect-expect': ['error', { assertFunctionNames: ['expect', 'expect*', 'fc.assert', 'check'] }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
