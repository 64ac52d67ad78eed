/** Layer rules: apps → adapters (journal, messaging, read-models, http, database) → domain and contracts. */
module.exports = {
  forbidden: [
    {
      name: 'only-messaging-imports-kafkajs',
      comment: 'Kafka is reached only through libs/messaging.',
      severity: 'error',
      from: { path: '^(apps|libs|test)/', pathNot: '^libs/messaging/' },
      to: { path: 'node_modules/kafkajs' },
    },
    {
      name: 'domain-is-pure',
      comment: 'The domain imports no Nest, pg, kafkajs nor any of our libs but contracts.',
      severity: 'error',
      from: { path: '^libs/domain/' },
      to: {
        path: [
          'node_modules/@nestjs',
          'node_modules/pg',
          'node_modules/kafkajs',
          '^libs/(?!domain/|contracts/)',
          '^apps/',
        ],
      },
    },
    {
      name: 'views-are-pure',
      comment: 'The view evaluator imports no Nest, pg, kafkajs nor any of our libs but contracts.',
      severity: 'error',
      from: { path: '^libs/views/' },
      to: {
        path: [
          'node_modules/@nestjs',
          'node_modules/pg',
          'node_modules/kafkajs',
          '^libs/(?!views/|contracts/)',
          '^apps/',
        ],
      },
    },
    {
      name: 'contracts-are-standalone',
      comment: 'Subscribers import contracts; it must not pull in Nest, pg, kafkajs or our adapters.',
      severity: 'error',
      from: { path: '^libs/contracts/' },
      to: {
        path: [
          'node_modules/@nestjs',
          'node_modules/pg',
          'node_modules/kafkajs',
          '^libs/(?!contracts/)',
          '^apps/',
        ],
      },
    },
    {
      name: 'subscriber-sdk-stays-small',
      comment: 'The subscriber SDK builds on contracts and messaging only: no Nest, no other adapter.',
      severity: 'error',
      from: { path: '^libs/subscriber/src/(?!.*\\.spec\\.ts$)' },
      to: { path: ['node_modules/@nestjs', '^libs/(?!subscriber/|contracts/|messaging/)', '^apps/'] },
    },
    {
      name: 'libs-do-not-import-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'libraries-through-their-root',
      comment: 'Apps and tests import a library only through its index.ts.',
      severity: 'error',
      from: { path: '^(apps|test)/' },
      to: { path: '^libs/[^/]+/src/(?!index\\.ts$)' },
    },
    {
      name: 'other-libraries-through-their-root',
      comment: 'A library imports another library only through its index.ts.',
      severity: 'error',
      from: { path: '^libs/([^/]+)/' },
      to: { path: '^libs/[^/]+/src/(?!index\\.ts$)', pathNot: '^libs/$1/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: ['^dist/', '^\\.cache/'] },
  },
};
