// Exits 0 when a Kafka broker at argv[2] answers a metadata request (describeCluster), else 1.
const { Kafka, logLevel } = require('kafkajs');

const admin = new Kafka({
  clientId: 'ledger-ready-check',
  brokers: [process.argv[2]],
  logLevel: logLevel.NOTHING,
  connectionTimeout: 1000,
  retry: { retries: 0 },
}).admin();

admin
  .connect()
  .then(() => admin.describeCluster())
  .then(
    () => admin.disconnect().then(() => process.exit(0)),
    () => process.exit(1),
  );
