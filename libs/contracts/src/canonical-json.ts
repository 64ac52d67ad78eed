import canonicalize from 'canonicalize';

/**
 * RFC 8785 (JSON Canonicalization Scheme): sorted keys, ECMAScript number form, no whitespace.
 * Properties whose value is `undefined` are left out, as JSON.stringify does; `null` stays.
 */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) {
    throw new TypeError('canonicalJson: the value has no JSON form');
  }
  return text;
}
