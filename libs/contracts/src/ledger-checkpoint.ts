import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import { ContractViolation } from './contract-violation';
import type { LedgerCheckpointSigned } from './events';

/** The ledger's own stream: every signed checkpoint, hash-chained like any other stream. */
export const CHECKPOINT_STREAM_ID = 'ledger-checkpoints';

/** The last event of one stream as of a position: what a checkpoint commits to. */
export interface StreamHead {
  readonly streamId: string;
  readonly streamVersion: number;
  readonly hash: string;
}

/** What a checkpoint states, before it is signed. */
export interface CheckpointStatement {
  readonly journalId: string;
  /** Every event at or below this journal position is covered, and no other. */
  readonly position: number;
  readonly eventCount: number;
  readonly streamCount: number;
  readonly merkleRoot: string;
}

const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);

function sha256(...parts: Buffer[]): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/** The Merkle tree hash of RFC 6962 §2.1: the split is at the largest power of two below n. */
function treeHash(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return sha256();
  if (leaves.length === 1) return sha256(LEAF, leaves[0]);
  let split = 1;
  while (split * 2 < leaves.length) split *= 2;
  return sha256(NODE, treeHash(leaves.slice(0, split)), treeHash(leaves.slice(split)));
}

/**
 * The Merkle root over every stream's head, leaves ordered by streamId. Each leaf is the
 * canonical JSON `[streamId, streamVersion, hash]`: since each head's hash chains back to the
 * stream's first event, the root commits to every event of every stream. Deleting a stream,
 * rewriting an event (even with a recomputed chain) or dropping a stream's last events changes it.
 */
export function merkleRoot(heads: readonly StreamHead[]): string {
  const ordered = [...heads].sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0));
  const leaves = ordered.map((head) =>
    Buffer.from(canonicalJson([head.streamId, head.streamVersion, head.hash]), 'utf8'),
  );
  return treeHash(leaves).toString('hex');
}

/** The bytes a checkpoint key signs: a fixed prefix (so no other message can be confused with it) and the statement. */
function signedBytes(statement: CheckpointStatement, keyId: string): Buffer {
  const { journalId, position, eventCount, streamCount, merkleRoot: root } = statement;
  const body = canonicalJson({
    algorithm: 'ed25519',
    eventCount,
    journalId,
    keyId,
    merkleRoot: root,
    position,
    streamCount,
  });
  return Buffer.from(`trade-policy-ledger checkpoint v1\n${body}`, 'utf8');
}

function keyFromText(text: string, kind: 'private' | 'public'): KeyObject {
  const trimmed = text.trim();
  try {
    const key = trimmed.startsWith('-----BEGIN')
      ? kind === 'private'
        ? createPrivateKey(trimmed)
        : createPublicKey(trimmed)
      : kind === 'private'
        ? createPrivateKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'pkcs8' })
        : createPublicKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`a ${key.asymmetricKeyType} key`);
    return key;
  } catch (error) {
    throw new ContractViolation(
      `not an Ed25519 ${kind} key (PEM, or base64 of ${kind === 'private' ? 'PKCS#8' : 'SPKI'} DER): ${(error as Error).message}`,
    );
  }
}

/** A checkpoint signing key from configuration: PEM, or base64 of its PKCS#8 DER form. */
export function parseCheckpointPrivateKey(text: string): KeyObject {
  return keyFromText(text, 'private');
}

/** A checkpoint public key from configuration: PEM, or base64 of its SPKI DER form. */
export function parseCheckpointPublicKey(text: string): KeyObject {
  return keyFromText(text, 'public');
}

/** The public key in base64 SPKI DER, the form configuration and the API use. */
export function publicKeyText(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
}

/** 16 hex digits of the SHA-256 of the public key's SPKI DER form: names the key in every checkpoint. */
export function checkpointKeyId(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return sha256(publicKey.export({ format: 'der', type: 'spki' }))
    .toString('hex')
    .slice(0, 16);
}

/** Signs a statement with the checkpoint key: the payload of a LedgerCheckpointSigned event. */
export function signCheckpoint(
  statement: CheckpointStatement,
  privateKey: KeyObject,
): LedgerCheckpointSigned {
  const keyId = checkpointKeyId(privateKey);
  const signature = sign(null, signedBytes(statement, keyId), privateKey).toString('base64url');
  return {
    journalId: statement.journalId,
    position: statement.position,
    eventCount: statement.eventCount,
    streamCount: statement.streamCount,
    merkleRoot: statement.merkleRoot,
    algorithm: 'ed25519',
    keyId,
    signature,
  };
}

export type SignatureVerdict = 'valid' | 'invalid' | 'unknown-key';

/** Checks a checkpoint's signature against the trusted public keys (matched by key id). */
export function verifyCheckpointSignature(
  checkpoint: LedgerCheckpointSigned,
  trusted: readonly KeyObject[],
): SignatureVerdict {
  const key = trusted.find((candidate) => checkpointKeyId(candidate) === checkpoint.keyId);
  if (key === undefined) return 'unknown-key';
  const signature = Buffer.from(checkpoint.signature, 'base64url');
  return verify(null, signedBytes(checkpoint, checkpoint.keyId), key, signature) ? 'valid' : 'invalid';
}
