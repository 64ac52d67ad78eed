import { EVENT_DATA_SCHEMAS } from '@ledger/contracts';
import { normaliseInstant } from '../request-validators';

const isObject = (value: unknown): value is Readonly<Record<string, unknown>> =>
  value !== null && typeof value === 'object';

/** The names of the fields a JSON Schema declares as instants (`format: date-time`), at any depth. */
export function instantFieldsOf(schema: unknown): string[] {
  if (Array.isArray(schema)) return schema.flatMap(instantFieldsOf);
  if (!isObject(schema)) return [];
  const { properties, ...keywords } = schema;
  const named = isObject(properties)
    ? Object.entries(properties).flatMap(([name, field]) => [
        ...(isObject(field) && field.format === 'date-time' ? [name] : []),
        ...instantFieldsOf(field),
      ])
    : [];
  return [...named, ...Object.values(keywords).flatMap(instantFieldsOf)];
}

/**
 * Every payload field that holds an instant, as the event schemas declare them; they are stored
 * in UTC with millisecond precision.
 */
export const INSTANT_FIELDS: ReadonlySet<string> = new Set(
  Object.values(EVENT_DATA_SCHEMAS).flatMap(instantFieldsOf),
);

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
