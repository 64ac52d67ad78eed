// Creates the event topic (explicit partitions, infinite retention) through the compiled
// messaging library. Run after `npm run build`, as the admin principal (KAFKA_SASL_USERNAME and
// KAFKA_SASL_PASSWORD): no app's principal may create topics.
const { loadConfig } = require('../dist/libs/config/src');
const { createKafka, ensureEventTopic } = require('../dist/libs/messaging/src');

async function main() {
  const config = loadConfig();
  const admin = createKafka(config.kafka).admin();
  await admin.connect();
  try {
    await ensureEventTopic(admin, config.kafka);
    console.error(`[topic] ${config.kafka.topic} ready with ${config.kafka.partitions} partitions`);
  } finally {
    await admin.disconnect();
  }
}

main().catch((error) => {
  console.error(`[topic] ${error.message}`);
  process.exit(1);
});
