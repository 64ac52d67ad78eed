import { createHash, generateKeyPairSync } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import {
  checkpointKeyId,
  merkleRoot,
  parseCheckpointPrivateKey,
  parseCheckpointPublicKey,
  publicKeyText,
  signCheckpoint,
  verifyCheckpointSignature,
  type StreamHead,
} from './ledger-checkpoint';

const hex = (seed: string): string => createHash('sha256').update(seed).digest('hex');
const head = (streamId: string, streamVersion: number): StreamHead => ({
  streamId,
  streamVersion,
  hash: hex(`${streamId}@${streamVersion}`),
});

describe('merkleRoot', () => {
  const heads = [head('us-reciprocal-cn', 4), head('cn-rare-earths', 2), head('geneva', 1)];

  it('is the RFC 6962 tree hash of the heads ordered by streamId', () => {
    const leaf = (h: StreamHead) =>
      createHash('sha256')
        .update(Buffer.from([0]))
        .update(canonicalJson([h.streamId, h.streamVersion, h.hash]))
        .digest();
    const node = (left: Buffer, right: Buffer) =>
      createHash('sha256')
        .update(Buffer.from([1]))
        .update(left)
        .update(right)
        .digest();
    const [control, geneva, reciprocal] = [heads[1], heads[2], heads[0]].map(leaf);
    expect(merkleRoot(heads)).toBe(node(node(control, geneva), reciprocal).toString('hex'));
  });

  it('does not depend on the order the heads come in', () => {
    expect(merkleRoot([...heads].reverse())).toBe(merkleRoot(heads));
  });

  it('changes when a stream is missing, a head moves back, or a hash differs', () => {
    const root = merkleRoot(heads);
    expect(merkleRoot(heads.slice(1))).not.toBe(root);
    expect(merkleRoot([head('us-reciprocal-cn', 3), heads[1], heads[2]])).not.toBe(root);
    expect(merkleRoot([{ ...heads[0], hash: hex('rewritten') }, heads[1], heads[2]])).not.toBe(root);
  });

  it('has a root for an empty journal', () => {
    expect(merkleRoot([])).toBe(createHash('sha256').digest('hex'));
  });
});

describe('checkpoint signatures', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const statement = {
    journalId: '0b7d4c36-6f1e-4d58-9d1c-2f3a1e0c9b11',
    position: 42,
    eventCount: 40,
    streamCount: 7,
    merkleRoot: merkleRoot([head('us-reciprocal-cn', 4)]),
  };

  it("verifies with the signing key's public key and names the key", () => {
    const signed = signCheckpoint(statement, privateKey);
    expect(signed).toMatchObject({ ...statement, algorithm: 'ed25519', keyId: checkpointKeyId(publicKey) });
    expect(signed.signature).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(verifyCheckpointSignature(signed, [publicKey])).toBe('valid');
  });

  it('refuses a statement changed after signing', () => {
    const signed = signCheckpoint(statement, privateKey);
    expect(verifyCheckpointSignature({ ...signed, position: 43 }, [publicKey])).toBe('invalid');
    expect(verifyCheckpointSignature({ ...signed, merkleRoot: hex('other') }, [publicKey])).toBe('invalid');
    expect(verifyCheckpointSignature({ ...signed, eventCount: 39 }, [publicKey])).toBe('invalid');
  });

  it('does not trust a key it was not given, even one that signed correctly', () => {
    const stranger = generateKeyPairSync('ed25519');
    const forged = signCheckpoint(statement, stranger.privateKey);
    expect(verifyCheckpointSignature(forged, [publicKey])).toBe('unknown-key');
    expect(verifyCheckpointSignature({ ...forged, keyId: checkpointKeyId(publicKey) }, [publicKey])).toBe(
      'invalid',
    );
  });

  it('reads keys from configuration as base64 DER or PEM, and refuses other keys', () => {
    const der = privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(checkpointKeyId(parseCheckpointPrivateKey(der))).toBe(checkpointKeyId(publicKey));
    expect(checkpointKeyId(parseCheckpointPrivateKey(pem))).toBe(checkpointKeyId(publicKey));
    expect(checkpointKeyId(parseCheckpointPublicKey(publicKeyText(privateKey)))).toBe(
      checkpointKeyId(publicKey),
    );
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(() =>
      parseCheckpointPublicKey(rsa.publicKey.export({ format: 'pem', type: 'spki' }).toString()),
    ).toThrow(/not an Ed25519 public key/);
    expect(() => parseCheckpointPrivateKey('not a key')).toThrow(/not an Ed25519 private key/);
  });
});
