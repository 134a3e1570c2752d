import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import js from '@eslint/js'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import tseslint from 'typescript-eslint'

// Only the Electron shell and the preload may import electron: the engine, the gateway, the CLI
// and the renderer must run under plain Node or in a browser (ARCHITECTURE §1).
const ELECTRON_IMPORT = {
  name: 'electron',
  message: 'Only src/main/index.ts, src/main/shell/ and src/preload/ may import electron.'
}

// Labs meet only through shared code (src/shared/, src/main/engine/zmq/, lab.ts ...), never by
// importing each other. The lab ids are the folders of the contract, as in
// test/helpers/import-graph.ts, which checks the same rule over the resolved import graph.
const CONTRACT_LABS_DIR = 'src/shared/contract/labs'
const FALLBACK_LABS = ['dispatch', 'channels']

const CONTRACT_LABS = existsSync(join(import.meta.dirname, CONTRACT_LABS_DIR))
  ? readdirSync(join(import.meta.dirname, CONTRACT_LABS_DIR), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
  : []
const LABS = (CONTRACT_LABS.length > 0 ? CONTRACT_LABS : FALLBACK_LABS).sort()

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'bench/results.json', '.flowlab-data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/explicit-function-return-type': [
        'warn',
        {
          allowExpressions: true,
          allowTypedFunctionExpressions: true,
          allowHigherOrderFunctions: true
        }
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }
      ],
      'no-restricted-imports': ['error', { paths: [ELECTRON_IMPORT] }]
    }
  },
  // One block per lab folder, after the general one: a later block replaces the rule's options
  // rather than merging them, so each repeats the electron restriction. A specifier reaches another
  // lab through that lab's parent folder by any path or alias (`../engine/dispatch`,
  // `@shared/contract/labs/dispatch`, `@renderer/features/dispatch/x`) or by climbing out of this
  // lab's folder into a sibling (`../dispatch/y`, `../../dispatch`).
  ...LABS.map((lab) => ({
    files: [
      `src/main/engine/${lab}/**/*.{ts,tsx}`,
      `${CONTRACT_LABS_DIR}/${lab}/**/*.{ts,tsx}`,
      `src/renderer/src/features/${lab}/**/*.{ts,tsx}`
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [ELECTRON_IMPORT],
          patterns: LABS.filter((other) => other !== lab).map((other) => ({
            regex: `((^|/)(engine|contract/labs|features)/${other}|^(\\.\\./)+${other})(/|$)`,
            message: `Lab '${lab}' may not import lab '${other}': move what both need to shared code.`
          }))
        }
      ]
    }
  })),
  {
    files: ['src/main/index.ts', 'src/main/shell/**', 'src/preload/**'],
    rules: { 'no-restricted-imports': 'off' }
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules }
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' }
  }
)
