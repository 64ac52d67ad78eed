import { createHash } from 'node:crypto';
import {
  derivedKeyId,
  generateApiKey,
  hashSecret,
  parseIssuedKey,
  presentedBootstrapKey,
  secretMatches,
} from './key-format';

describe('API key format', () => {
  it('issues keys of the documented shape, each with its own id and secret', () => {
    const first = generateApiKey();
    const second = generateApiKey();
    expect(first.key).toMatch(/^tpl_key-[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(first.key).toBe(`tpl_${first.keyId}_${first.secret}`);
    expect(Buffer.from(first.secret, 'base64url')).toHaveLength(32);
    expect(second.keyId).not.toBe(first.keyId);
    expect(second.secret).not.toBe(first.secret);
  });

  it('splits an issued key into id and secret, underscores in the secret included', () => {
    const secret = `_-${'a'.repeat(39)}_-`;
    expect(parseIssuedKey(`tpl_key-0123456789ab_${secret}`)).toEqual({ keyId: 'key-0123456789ab', secret });
  });

  it.each([
    ['empty', ''],
    ['another prefix', `abc_key-0123456789ab_${'a'.repeat(43)}`],
    ['a short secret', `tpl_key-0123456789ab_${'a'.repeat(42)}`],
    ['a long secret', `tpl_key-0123456789ab_${'a'.repeat(44)}`],
    ['an upper-case id', `tpl_key-0123456789AB_${'a'.repeat(43)}`],
    ['a secret outside base64url', `tpl_key-0123456789ab_${'a'.repeat(42)}=`],
    ['trailing text', `tpl_key-0123456789ab_${'a'.repeat(43)}\n`],
  ])('refuses %s', (_, key) => {
    expect(parseIssuedKey(key)).toBeNull();
  });

  it('gives a free-form bootstrap key the id it had before keys had a shape', () => {
    const key = 'an-operator-chosen-key-of-32-chars';
    const digest = createHash('sha256').update(key).digest('hex');
    expect(derivedKeyId(key)).toBe(`key-${digest.slice(0, 12)}`);
    expect(presentedBootstrapKey(key)).toEqual({ keyId: derivedKeyId(key), secret: key });
    const issued = generateApiKey();
    expect(presentedBootstrapKey(issued.key)).toEqual({ keyId: issued.keyId, secret: issued.secret });
  });

  it('stores a salted HMAC: the same secret hashes differently each time, and only it matches', () => {
    const { secret } = generateApiKey();
    const first = hashSecret(secret);
    const second = hashSecret(secret);
    expect(first).toMatchObject({ algorithm: 'hmac-sha256', salt: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(second.hash).not.toBe(first.hash);
    expect(secretMatches(secret, first)).toBe(true);
    expect(secretMatches(secret, second)).toBe(true);
    expect(secretMatches(`${secret.slice(0, -1)}x`, first)).toBe(secret.endsWith('x'));
    expect(secretMatches(secret, { ...first, salt: second.salt })).toBe(false);
  });

  it('still matches a key stored as a bare SHA-256 digest before salting', () => {
    const key = 'a-key-from-before-the-key-lifecycle';
    const stored = {
      algorithm: 'sha256' as const,
      salt: null,
      hash: createHash('sha256').update(key).digest('hex'),
    };
    expect(secretMatches(key, stored)).toBe(true);
    expect(secretMatches(`${key}!`, stored)).toBe(false);
    expect(secretMatches(key, { ...stored, hash: stored.hash.slice(2) })).toBe(false);
  });
});
