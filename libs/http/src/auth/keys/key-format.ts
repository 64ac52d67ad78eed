import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys the ledger issues look like `tpl_key-0123456789ab_<secret>`: a fixed prefix (so a
 * leaked key is recognisable, e.g. by secret scanners), the key's public id, and a 256-bit
 * random secret in base64url (43 characters). The id finds the key's row; only the secret is
 * hashed and compared.
 */
export const KEY_PREFIX = 'tpl';
const ISSUED_KEY = /^tpl_(key-[0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;
export const KEY_ID_PATTERN = /^key-[0-9a-f]{12}$/;

export type HashAlgorithm = 'hmac-sha256' | 'sha256';

/** A presented key split into the id to look up and the secret to check. */
export interface PresentedKey {
  readonly keyId: string;
  readonly secret: string;
}

/** What the database keeps of a key's secret. */
export interface StoredSecret {
  readonly algorithm: HashAlgorithm;
  /** Hex; null only for keys stored before salting ('sha256'). */
  readonly salt: string | null;
  readonly hash: string;
}

/** A key of the issued shape, split; null for anything else. */
export function parseIssuedKey(key: string): PresentedKey | null {
  const match = ISSUED_KEY.exec(key);
  return match ? { keyId: match[1], secret: match[2] } : null;
}

/**
 * The stable id of a free-form bootstrap key (set by an operator in the environment, not
 * issued): derived from its digest, as before keys had a shape, so its row is the same one.
 */
export function derivedKeyId(key: string): string {
  return `key-${createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 12)}`;
}

/** A bootstrap key as presented: an issued key by its own id, a free-form one by its derived id. */
export function presentedBootstrapKey(key: string): PresentedKey {
  return parseIssuedKey(key) ?? { keyId: derivedKeyId(key), secret: key };
}

/** A new key of the issued shape, with its id and secret. */
export function generateApiKey(): PresentedKey & { readonly key: string } {
  const keyId = `key-${randomBytes(6).toString('hex')}`;
  const secret = randomBytes(32).toString('base64url');
  return { key: `${KEY_PREFIX}_${keyId}_${secret}`, keyId, secret };
}

function digest(secret: string, stored: Pick<StoredSecret, 'algorithm' | 'salt'>): Buffer {
  return stored.algorithm === 'hmac-sha256'
    ? createHmac('sha256', Buffer.from(stored.salt ?? '', 'hex'))
        .update(secret, 'utf8')
        .digest()
    : createHash('sha256').update(secret, 'utf8').digest();
}

/** A salted hash of a new secret, as it is stored. */
export function hashSecret(secret: string): StoredSecret {
  const salt = randomBytes(16).toString('hex');
  return {
    algorithm: 'hmac-sha256',
    salt,
    hash: digest(secret, { algorithm: 'hmac-sha256', salt }).toString('hex'),
  };
}

/** Whether the secret is the stored one; compares in constant time so timing reveals nothing. */
export function secretMatches(secret: string, stored: StoredSecret): boolean {
  const expected = Buffer.from(stored.hash, 'hex');
  const actual = digest(secret, stored);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
