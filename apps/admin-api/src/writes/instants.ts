import { normaliseInstant } from '../request-validators';

/** Every payload field that holds an instant; they are stored in UTC with millisecond precision. */
const INSTANT_FIELDS = new Set([
  'validFrom',
  'validTo',
  'announcedAt',
  'appliedAt',
  'decidedAt',
  'concludedAt',
  'reportedAt',
  'from',
  'to',
]);

/** Turns a validated request body into event data: instants normalised to UTC, absent fields dropped. */
export function toEventData<T>(body: object): T {
  const convert = (value: unknown, key?: string): unknown => {
    if (Array.isArray(value)) return value.map((item) => convert(item));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value)
          .filter(([, field]) => field !== undefined)
          .map(([name, field]) => [name, convert(field, name)]),
      );
    }
    if (typeof value === 'string' && key !== undefined && INSTANT_FIELDS.has(key)) {
      return normaliseInstant(value);
    }
    return value;
  };
  return convert(body) as T;
}
