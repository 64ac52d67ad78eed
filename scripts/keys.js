#!/usr/bin/env node
// API keys and local secrets.
//   node scripts/keys.js env FILE     make the secrets `npm start` needs, once, and keep them in
//                                     FILE (mode 600): the bootstrap API keys and the Ed25519 key
//                                     pair the relay signs checkpoints with. A secret already in
//                                     the file, or set in the environment, is kept; only missing
//                                     ones are made, and bootstrap keys too weak for the API's
//                                     start-up check (older local keys) are made anew.
//   node scripts/keys.js generate     print a new key of the issued shape (for a bootstrap key)
//   npm run keys -- create|list|rotate|expire|revoke …
//                                     the key lifecycle on DATABASE_URL, for operators with no
//                                     admin key at hand (after `npm run build`; --help for more)
const { generateKeyPairSync, randomBytes } = require('node:crypto');
const { chmodSync, existsSync, readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const BOOTSTRAP_KEYS = ['ADMIN_API_KEY', 'READER_API_KEY', 'AUDITOR_API_KEY'];
const LIFECYCLE = ['create', 'list', 'rotate', 'expire', 'revoke'];

/** The issued shape (libs/http/src/auth/keys/key-format.ts): tpl_<key id>_<256-bit secret>. */
function newKey() {
  return `tpl_key-${randomBytes(6).toString('hex')}_${randomBytes(32).toString('base64url')}`;
}

function envFile(file) {
  const kept = (existsSync(file) ? readFileSync(file, 'utf8') : '')
    .split('\n')
    .filter((line) => line !== '')
    // Local keys made before keys had a shape are shorter than the API now takes.
    .filter(
      (line) =>
        !BOOTSTRAP_KEYS.some((name) => line.startsWith(`${name}=`) && line.length - name.length - 1 < 32),
    );
  const has = (name) => process.env[name] || kept.some((line) => line.startsWith(`${name}=`));
  const lines = [...kept];
  for (const name of BOOTSTRAP_KEYS) {
    if (!has(name)) lines.push(`${name}=${newKey()}`);
  }
  if (!has('CHECKPOINT_SIGNING_KEY')) {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    lines.push(
      `CHECKPOINT_SIGNING_KEY=${privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64')}`,
    );
    lines.push(
      `CHECKPOINT_PUBLIC_KEY=${publicKey.export({ format: 'der', type: 'spki' }).toString('base64')}`,
    );
  }
  writeFileSync(file, lines.map((line) => `${line}\n`).join(''));
  chmodSync(file, 0o600);
}

const [command, ...rest] = process.argv.slice(2);
if (command === 'env' && rest.length === 1) {
  envFile(rest[0]);
} else if (command === 'generate' && rest.length === 0) {
  console.log(newKey());
} else if (LIFECYCLE.includes(command) || command === '--help') {
  const cli = path.join(__dirname, '../dist/apps/admin-api/src/keys/keys-cli.js');
  if (!existsSync(cli)) {
    console.error('[keys] run `npm run build` first: the key commands use the built admin API code');
    process.exit(3);
  }
  require(cli);
} else {
  console.error(
    'usage: node scripts/keys.js env FILE | generate | create|list|rotate|expire|revoke … (--help)',
  );
  process.exit(2);
}
