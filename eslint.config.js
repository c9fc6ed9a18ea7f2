// The project's lint rules: typescript-eslint's recommended set, with the exceptions this codebase
// makes on purpose (each says why). Formatting is prettier's job, not the linter's.
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'certs/dev/', '.build/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      // tsc's noUnusedLocals / noUnusedParameters already report these, with the compiler's precision.
      '@typescript-eslint/no-unused-vars': 'off',
      // `x!` after a check the compiler cannot follow (regex groups, indexed reads) is deliberate here.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Loose equality's coercions are never what a parser or a header check wants.
      eqeqeq: ['error', 'always'],
      // Prettier wraps code at 120 but leaves comments, strings and regex literals alone. A long pattern is
      // composed from named parts instead (new RegExp of joined pieces), so regex literals get no exemption;
      // strings, templates and URLs may still run on (test request bytes and messages read better whole).
      'max-len': ['error', { code: 120, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true }],
      'no-var': 'error',
      'prefer-const': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name=/^(it|describe|context)$/][callee.property.name='only']",
          message: 'no focused specs',
        },
        {
          selector: "CallExpression[callee.object.name=/^(it|describe|context)$/][callee.property.name='skip']",
          message: 'no skipped specs',
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // chai's `expect(x).to.be.true` style reads as an unused expression.
      '@typescript-eslint/no-unused-expressions': 'off',
    },
  },
)
