/**
 * Import rules checked by `npm run lint` (dependency-cruiser, https://github.com/sverweij/dependency-cruiser).
 * Type-only imports count: a lib that needs another's type depends on it as much as on its code.
 * See docs/architecture.md "Import rules".
 */
/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycle between files of libs/ and apps/: move the shared type or helper to a lib below both.',
      from: { path: '^(libs|apps)/' },
      to: { circular: true },
    },
    {
      name: 'no-circular-libs',
      severity: 'error',
      comment: 'No lib imports a lib that (directly or through others) imports it.',
      scope: 'folder',
      from: { path: '^libs/[^/]+/src$' },
      to: { circular: true },
    },
    {
      name: 'no-app-to-app',
      severity: 'error',
      comment: 'Apps are thin shells: one app does not import another; share code through a lib.',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/([^/]+)/', pathNot: '^apps/$1/' },
    },
    {
      name: 'no-lib-to-app',
      severity: 'error',
      comment: 'Libs sit below apps and never import them.',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules|generated)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
