#!/usr/bin/env node
// Makes the local secrets `npm start` needs, once, and keeps them in .cache/run/keys.env (mode
// 600): the bootstrap API keys and the Ed25519 key pair the relay signs checkpoints with. A key
// already in the file, or set in the environment, is kept; only missing ones are made.
//   node scripts/keys.js FILE
const { generateKeyPairSync, randomBytes } = require('node:crypto');
const { chmodSync, existsSync, readFileSync, writeFileSync } = require('node:fs');

const file = process.argv[2];
if (!file) {
  console.error('usage: node scripts/keys.js FILE');
  process.exit(2);
}
const kept = existsSync(file) ? readFileSync(file, 'utf8') : '';
const has = (name) => process.env[name] || new RegExp(`^${name}=`, 'm').test(kept);
const lines = [];
for (const role of ['admin', 'reader', 'auditor']) {
  const name = `${role.toUpperCase()}_API_KEY`;
  if (!has(name)) lines.push(`${name}=${role}-${randomBytes(18).toString('base64url')}`);
}
if (!has('CHECKPOINT_SIGNING_KEY')) {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  lines.push(
    `CHECKPOINT_SIGNING_KEY=${privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64')}`,
  );
  lines.push(`CHECKPOINT_PUBLIC_KEY=${publicKey.export({ format: 'der', type: 'spki' }).toString('base64')}`);
}
if (lines.length > 0 || !existsSync(file)) {
  writeFileSync(
    file,
    `${kept}${kept && !kept.endsWith('\n') ? '\n' : ''}${lines.map((line) => `${line}\n`).join('')}`,
  );
}
chmodSync(file, 0o600);
