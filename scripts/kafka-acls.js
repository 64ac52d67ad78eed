#!/usr/bin/env node
// Grants each of the ledger's Kafka principals what it needs and nothing more; run as the admin
// principal (a super user) once the broker is up. Idempotent: an ACL that exists is left as it
// is. scripts/kafka.sh runs it after every start; for another cluster run it by hand.
//   node scripts/kafka-acls.js
//
// Environment: KAFKA_BROKERS, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD (the admin principal),
// KAFKA_SSL, KAFKA_TOPIC (default policy.events) and PROJECTOR_GROUP_ID (default
// ledger-projector), each the prefix of the names its ACLs cover, and KAFKA_<ROLE>_USERNAME for
// ROLE in RELAY, PROJECTOR, AUDITOR, SUBSCRIBER (default ledger-<role>).
//
// Topic and group ACLs are PREFIXED: the ACL on policy.events covers policy.events and every
// topic whose name starts with it (the tests' topics, a topic recreated under a new name).
const {
  AclOperationTypes: Op,
  AclPermissionTypes,
  AclResourceTypes: Resource,
  Kafka,
  ResourcePatternTypes: Pattern,
  logLevel,
} = require('kafkajs');

const env = process.env;
const username = (role) => env[`KAFKA_${role.toUpperCase()}_USERNAME`] || `ledger-${role}`;

/** The ACLs as [role, resource type, name, pattern type, operations]. */
function ledgerAcls({ topic, projectorGroup }) {
  const readsTopic = [Resource.TOPIC, topic, Pattern.PREFIXED, [Op.READ, Op.DESCRIBE]];
  return [
    // The relay alone writes the topic, in transactions under its own ids; it reads the topic's
    // ends through throwaway groups (libs/messaging topic-reader) and reads the cluster id.
    ['relay', Resource.TOPIC, topic, Pattern.PREFIXED, [Op.WRITE, Op.READ, Op.DESCRIBE]],
    ['relay', Resource.TRANSACTIONAL_ID, 'ledger-relay:', Pattern.PREFIXED, [Op.WRITE, Op.DESCRIBE]],
    ['relay', Resource.GROUP, 'ledger-relay-', Pattern.PREFIXED, [Op.READ]],
    ['relay', Resource.CLUSTER, 'kafka-cluster', Pattern.LITERAL, [Op.DESCRIBE]],
    ['projector', ...readsTopic],
    ['projector', Resource.GROUP, projectorGroup, Pattern.PREFIXED, [Op.READ]],
    ['auditor', ...readsTopic],
    ['auditor', Resource.GROUP, 'ledger-auditor-', Pattern.PREFIXED, [Op.READ]],
    // An example read-only principal for internal subscribers, each in a group of its own.
    ['subscriber', ...readsTopic],
    ['subscriber', Resource.GROUP, 'subscriber-', Pattern.PREFIXED, [Op.READ]],
  ].flatMap(([role, resourceType, resourceName, resourcePatternType, operations]) =>
    operations.map((operation) => ({
      resourceType,
      resourceName,
      resourcePatternType,
      principal: `User:${username(role)}`,
      host: '*',
      operation,
      permissionType: AclPermissionTypes.ALLOW,
    })),
  );
}

const sameAcl = (a) => (b) =>
  [
    'resourceType',
    'resourceName',
    'resourcePatternType',
    'principal',
    'host',
    'operation',
    'permissionType',
  ].every((field) => a[field] === b[field]);

/** What the broker answers for describeAcls, flattened to one entry per ACL. */
async function existingAcls(admin) {
  const { resources } = await admin.describeAcls({
    resourceType: Resource.ANY,
    resourcePatternType: Pattern.ANY,
    operation: Op.ANY,
    permissionType: AclPermissionTypes.ANY,
  });
  return resources.flatMap(({ resourceType, resourceName, resourcePatternType, acls }) =>
    acls.map((acl) => ({ resourceType, resourceName, resourcePatternType, ...acl })),
  );
}

async function main() {
  if (!env.KAFKA_SASL_USERNAME || !env.KAFKA_SASL_PASSWORD) {
    throw new Error('KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD (the admin principal) are required');
  }
  const acls = ledgerAcls({
    topic: env.KAFKA_TOPIC || 'policy.events',
    projectorGroup: env.PROJECTOR_GROUP_ID || 'ledger-projector',
  });
  const admin = new Kafka({
    clientId: 'ledger-acls',
    brokers: (env.KAFKA_BROKERS || '127.0.0.1:9092').split(',').map((broker) => broker.trim()),
    ssl: env.KAFKA_SSL === 'true',
    sasl: {
      mechanism: 'scram-sha-512',
      username: env.KAFKA_SASL_USERNAME,
      password: env.KAFKA_SASL_PASSWORD,
    },
    logLevel: logLevel.WARN,
  }).admin();
  await admin.connect();
  try {
    await admin.createAcls({ acl: acls });
    // The controller has them once createAcls returns; wait until the broker that answers
    // describeAcls (and authorizes requests) has them as well, so a client started next is not
    // refused for an ACL still on its way.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const existing = await existingAcls(admin);
      const missing = acls.filter((acl) => !existing.some(sameAcl(acl)));
      if (missing.length === 0) break;
      if (Date.now() > deadline) throw new Error(`${missing.length} ACLs not in effect after 30s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    console.error(`[kafka-acls] ${acls.length} ACLs in effect`);
  } finally {
    await admin.disconnect();
  }
}

main().catch((error) => {
  console.error(`[kafka-acls] ${error.message}`);
  process.exit(1);
});
