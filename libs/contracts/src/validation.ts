import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { SCHEMA_VERSIONS, type EventType } from './events';
import { isHsCode, isJurisdiction } from './identifiers';
import { ENVELOPE_SCHEMA, EVENT_DATA_SCHEMA_VERSIONS } from './schemas';

/** Rounding to `places` decimals leaves the number as it is (0.07 yes; 0.1 + 0.2 no). */
function hasAtMostDecimalPlaces(value: number, places: number): boolean {
  return Number(value.toFixed(places)) === value;
}

function createAjv(): Ajv {
  // allErrors: a writer gets every field problem at once; verbose: messages read the leaf's description.
  // strictRequired off: `anyOf: [{required: ['url']}, …]` names properties defined one level up.
  const ajv = new Ajv({
    allErrors: true,
    verbose: true,
    discriminator: true,
    allowUnionTypes: true,
    strict: true,
    strictRequired: false,
  });
  addFormats(ajv, ['date-time', 'uri', 'uuid']);
  ajv.addFormat('jurisdiction', {
    type: 'string',
    validate: (code: string) => isJurisdiction(code, { allowAll: true }),
  });
  ajv.addFormat('hs-code', { type: 'string', validate: isHsCode });
  ajv.addKeyword({
    keyword: 'maxDecimalPlaces',
    type: 'number',
    schemaType: 'number',
    validate: (places: number, value: number) => hasAtMostDecimalPlaces(value, places),
  });
  return ajv;
}

let compiled:
  { envelope: ValidateFunction; data: ReadonlyMap<string, readonly ValidateFunction[]> } | undefined;

/**
 * Compiles every schema now rather than on first use. Compiling takes about half a second, so a
 * process that validates events (the writers) calls this at start-up: otherwise its first write
 * pays for it. Importing the contracts stays cheap for those who only need types.
 */
export function compileEventValidators(): void {
  validators();
}

function validators(): NonNullable<typeof compiled> {
  if (compiled === undefined) {
    const ajv = createAjv();
    compiled = {
      envelope: ajv.compile(ENVELOPE_SCHEMA),
      data: new Map(
        Object.entries(EVENT_DATA_SCHEMA_VERSIONS).map(([type, versions]) => [
          type,
          versions.map((schema) => ajv.compile(schema)),
        ]),
      ),
    };
  }
  return compiled;
}

/**
 * Problems with an event payload against the schema of `version` (by default the type's current
 * one), each naming its field path; empty when the payload is valid.
 */
export function validateEventData(
  type: EventType,
  data: unknown,
  version: number = SCHEMA_VERSIONS[type],
): string[] {
  const versions = validators().data.get(type);
  if (versions === undefined) {
    return [`type: unknown event type ${String(type)}`];
  }
  const validate = versions[version - 1];
  if (validate === undefined) {
    return [`schemaVersion: ${type} has no schema version ${version}`];
  }
  return validate(data) ? [] : describeErrors(validate.errors ?? []);
}

/**
 * Problems with a whole envelope: its fields, the payload against its type's schema, the
 * schema version the type is at and the stream types it may live in. Empty when valid.
 * The hash chain is checked separately (verifyStreamChain).
 */
export function validateEnvelope(value: unknown): string[] {
  const { envelope } = validators();
  return envelope(value) ? [] : describeErrors(envelope.errors ?? []);
}

function describeErrors(errors: readonly ErrorObject[]): string[] {
  const explainedBranches = errors
    .filter((error) => error.keyword === 'anyOf' && requiredAlternatives(error) !== undefined)
    .map((error) => `${error.schemaPath}/`);
  const messages = errors
    .filter((error) => !explainedBranches.some((branch) => error.schemaPath.startsWith(branch)))
    .map(describeError)
    .filter((message): message is string => message !== undefined);
  return [...new Set(messages)];
}

function describeError(error: ErrorObject): string | undefined {
  const path = fieldPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  const description = (error.parentSchema as { description?: unknown } | undefined)?.description;
  switch (error.keyword) {
    // The branch's own error says what is wrong; these only say that a branch failed.
    case 'if':
    case 'discriminator':
    case 'oneOf':
      return undefined;
    case 'required':
      return `${joinPath(path, String(params.missingProperty))}: is required`;
    case 'additionalProperties':
      return `${joinPath(path, String(params.additionalProperty))}: is not allowed`;
    case 'anyOf': {
      const alternatives = requiredAlternatives(error);
      return alternatives === undefined
        ? `${path}: ${error.message ?? 'is invalid'}`
        : `${path}: must have at least one of ${alternatives.join(', ')}`;
    }
    case 'type':
      return `${path}: must be ${String(params.type).split(',').join(' or ')}`;
    case 'const':
      return `${path}: must be ${JSON.stringify(params.allowedValue)}`;
    case 'enum':
    case 'format':
    case 'pattern':
    case 'maxDecimalPlaces':
      if (typeof description === 'string') {
        return `${path}: must be ${description}`;
      }
      return error.keyword === 'enum'
        ? `${path}: must be one of ${(params.allowedValues as unknown[]).map(String).join(', ')}`
        : `${path}: ${error.message ?? 'is invalid'}`;
    default:
      return `${path}: ${error.message ?? 'is invalid'}`;
  }
}

/** For an `anyOf` whose branches each only require one property: those properties. */
function requiredAlternatives(error: ErrorObject): string[] | undefined {
  const branches = error.schema;
  if (!Array.isArray(branches)) {
    return undefined;
  }
  const names = branches.map((branch: unknown) => {
    const required = (branch as { required?: unknown }).required;
    return Array.isArray(required) && required.length === 1 && Object.keys(branch as object).length === 1
      ? String(required[0])
      : undefined;
  });
  return names.every((name): name is string => name !== undefined) ? names : undefined;
}

/** JSON Pointer `/items/0/element` → `items[0].element`; the root is `(root)`. */
function fieldPath(pointer: string): string {
  if (pointer === '') {
    return '(root)';
  }
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce(
      (path, segment, index) =>
        /^\d+$/.test(segment) ? `${path}[${segment}]` : index === 0 ? segment : `${path}.${segment}`,
      '',
    );
}

function joinPath(path: string, property: string): string {
  return path === '(root)' ? property : `${path}.${property}`;
}
