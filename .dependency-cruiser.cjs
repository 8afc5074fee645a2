// Dependency rules checked by `npm run lint:deps`, which `npm test` runs before the tests.
// Files are compiled with babel's TypeScript preset (TypeScript 7 ships no JavaScript compiler API
// for dependency-cruiser to use), which drops imports used only as types: every dependency seen
// here exists at run time, so "the web imports the server only as types" is "no web → server edge".

/**
 * The only places where one feature imports another feature's files, each with the reason. Any
 * other import across src/server/features/<name>/ folders fails `npm run lint:deps`: code two
 * features share belongs in src/server/shared/, src/server/errors.ts or src/domain/.
 * `to` is a path under src/server/features/; `from` lists the features allowed to import it.
 */
const FOLLOW_UP = 'to be moved in issue 15 follow-up'
const allowedCrossFeature = [
  { to: 'audit/record\\.ts$', from: ['*'], why: 'every write is audited through recordAudit, the audit log\'s one entry point' },
  { to: '[^/]+/demo\\.ts$|regions/load\\.ts$|map/positions\\.ts$', from: ['demo'], why: 'the demo loader seeds each feature through that feature\'s own seeding code' },
  { to: 'map/positions\\.ts$', from: ['regions'], why: 'loading the division tree also loads the village positions that come with it' },
  { to: 'demo/presence\\.ts$', from: ['health', 'rollup'], why: 'whether demo data is loaded is shown by health and kept out of rollups' },
  { to: 'linkage/recipients\\.ts$', from: ['warnings', 'map'], why: 'who receives a warning is the linkage rule; warnings and the map apply it' },
  { to: 'settings/issuing\\.ts$', from: ['warnings'], why: 'who may issue which level is a setting that warnings obey' },
  { to: 'warnings/delivery/(ack|ack-batcher|tokens|message|escalation-notice)\\.ts$', from: ['confirm', 'gateway', 'inbox'], why: `the reply paths (confirm link, gateway callback, inbox) acknowledge through warnings; ${FOLLOW_UP}` },
  { to: 'auth/passwords\\.ts$', from: ['users', 'demo'], why: `accounts hash passwords the way sign-in checks them; ${FOLLOW_UP}` },
  { to: 'gateway/', from: ['settings', 'warnings'], why: `the gateway settings page and warning callbacks reach gateway internals; ${FOLLOW_UP}` },
  { to: 'audit/queries\\.ts$', from: ['settings'], why: FOLLOW_UP },
  { to: 'directory/demo\\.ts$', from: ['resources'], why: FOLLOW_UP },
  { to: 'rollup/tree\\.ts$', from: ['warnings'], why: FOLLOW_UP },
  { to: 'ledgers/', from: ['map', 'rollup'], why: `ledger export and reading are shared with the map and rollups; ${FOLLOW_UP}` },
  { to: '(resources|supplies)/', from: ['map', 'nearest', 'rollup', 'supplies'], why: `resource freshness, handover and stock queries are read by the map, nearest and rollups; ${FOLLOW_UP}` },
]

const ROOT = 'src/server/features'
const FEATURES_WITH_ENTRIES = [...new Set(allowedCrossFeature.flatMap((e) => e.from).filter((f) => f !== '*'))]
const targetsOf = (feature) =>
  allowedCrossFeature.filter((e) => e.from.includes('*') || e.from.includes(feature)).map((e) => `^${ROOT}/(${e.to})`)

/** One rule for features without entries, one per feature that has them. */
function isolationRules() {
  const rule = (name, fromPath, fromPathNot, targets) => ({
    name,
    severity: 'error',
    comment: 'A feature imports another feature only through the allowed list in .dependency-cruiser.cjs.',
    from: { path: fromPath, pathNot: fromPathNot },
    to: { path: `^${ROOT}/`, pathNot: targets.join('|') },
  })
  // Tests set up their world through other features' public code (and fixtures are test code).
  const tests = '\\.test\\.tsx?$|/fixtures/|/testing/'
  return [
    rule('feature-isolation', `^${ROOT}/([^/]+)/`, [tests, ...FEATURES_WITH_ENTRIES.map((f) => `^${ROOT}/${f}/`)].join('|'),
      [`^${ROOT}/$1/`, ...targetsOf('*')]),
    ...FEATURES_WITH_ENTRIES.map((f) =>
      rule(`feature-isolation-${f}`, `^${ROOT}/${f}/`, tests, [`^${ROOT}/${f}/`, ...targetsOf(f)])),
  ]
}

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules that import each other cannot be understood or moved one at a time.',
      // ledgers is being reworked in parallel: its export-rows pair is untangled in issue 15 follow-up.
      from: { pathNot: '^src/server/features/ledgers/export-rows' },
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment:
        'src/domain is shared by server and web: it imports only itself and npm packages, never ' +
        'server, web or tooling code.',
      // Tests of domain rules may check them against server fixtures (the CAP schema, the job clock).
      from: { path: '^src/domain/', pathNot: '\\.test\\.ts$' },
      to: { path: '^(src/(?!domain/)|bench/|e2e/|scripts/)' },
    },
    {
      name: 'web-reads-server-types-only',
      severity: 'error',
      comment:
        'The browser bundle must not pull server code: the web may import server files for their ' +
        'types only (compiled away), and shares codes and rules through src/domain.',
      from: { path: '^src/web/' },
      to: { path: '^src/server/' },
    },
    {
      name: 'server-not-to-web',
      severity: 'error',
      comment: 'The server never imports browser code.',
      from: { path: '^src/server/' },
      to: { path: '^src/web/' },
    },
    {
      name: 'testing-only-from-tests',
      severity: 'error',
      comment: 'src/server/testing holds test helpers; production code must not depend on them.',
      from: { path: '^src/', pathNot: ['\\.test\\.tsx?$', '^src/server/testing/', 'fixtures'].join('|') },
      to: { path: '^src/server/testing/' },
    },
    ...isolationRules(),
    {
      name: 'web-feature-isolation',
      severity: 'error',
      comment: 'A web feature imports another only through src/web/components or src/web/lib.',
      from: { path: '^src/web/features/([^/]+)/', pathNot: '\\.test\\.tsx?$' },
      to: { path: '^src/web/features/', pathNot: '^src/web/features/$1/' },
    },
  ],
  options: {
    // TypeScript 7 ships no JavaScript compiler API, so sources are compiled with babel's
    // TypeScript preset, which drops imports used only as types: every dependency below is one
    // that exists at run time (dependency-cruiser's default when tsPreCompilationDeps is off).
    babelConfig: { fileName: '.dependency-cruiser.babel.json' },
    tsPreCompilationDeps: false,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'],
    },
    skipAnalysisNotInRules: true,
  },
}
