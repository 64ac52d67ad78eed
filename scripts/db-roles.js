#!/usr/bin/env node
// The apps' database roles for `npm start` (plain Node, no build step):
//   node scripts/db-roles.js passwords FILE   make each runtime role's password once and keep it
//                                              in FILE (mode 600); one set in the environment, or
//                                              already in FILE, is kept
//   node scripts/db-roles.js url ROLE          print MIGRATION_DATABASE_URL as ROLE connects to
//                                              it, with its password from the environment
// `node scripts/db.js migrate` gives the roles these passwords (README, "Database roles").
const { randomBytes } = require('node:crypto');
const { chmodSync, existsSync, readFileSync, writeFileSync } = require('node:fs');

const PASSWORDS = {
  ledger_writer: 'LEDGER_DB_WRITER_PASSWORD',
  ledger_relay: 'LEDGER_DB_RELAY_PASSWORD',
  ledger_projector: 'LEDGER_DB_PROJECTOR_PASSWORD',
  ledger_auditor: 'LEDGER_DB_AUDITOR_PASSWORD',
  ledger_notifier: 'LEDGER_DB_NOTIFIER_PASSWORD',
};
const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/ledger';

function usage() {
  console.error('usage: node scripts/db-roles.js passwords FILE | url ROLE');
  process.exit(2);
}

function makePasswords(file) {
  const kept = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const has = (name) => process.env[name] || new RegExp(`^${name}=`, 'm').test(kept);
  const made = Object.values(PASSWORDS)
    .filter((name) => !has(name))
    .map((name) => `${name}=${randomBytes(24).toString('base64url')}\n`);
  if (made.length > 0 || !existsSync(file)) {
    writeFileSync(file, `${kept}${kept && !kept.endsWith('\n') ? '\n' : ''}${made.join('')}`);
  }
  chmodSync(file, 0o600);
}

function roleUrl(role) {
  const variable = PASSWORDS[role];
  if (!variable) usage();
  const url = new URL(process.env.MIGRATION_DATABASE_URL || process.env.DATABASE_URL || DEFAULT_URL);
  url.username = role;
  url.password = process.env[variable] ?? '';
  return url.toString();
}

const [command, arg] = process.argv.slice(2);
if (!arg) usage();
if (command === 'passwords') makePasswords(arg);
else if (command === 'url') console.log(roleUrl(arg));
else usage();
