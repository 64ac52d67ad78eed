import { isTransientError } from './transient';

function pgError(code: string, message = 'database error'): Error {
  return Object.assign(new Error(message), { code });
}

describe('isTransientError', () => {
  it.each([
    ['the server restarting', pgError('57P01')],
    ['the server starting up', pgError('57P03')],
    ['a connection exception', pgError('08006')],
    ['too many connections', pgError('53300')],
    ['a serialisation failure', pgError('40001')],
    ['a deadlock', pgError('40P01')],
    ['a lock timeout', pgError('55P03')],
    [
      'a refused connection',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    ],
    ['a connection lost mid-query', new Error('Connection terminated unexpectedly')],
    ['a pool that could not connect in time', new Error('timeout exceeded when trying to connect')],
    ['a cause that is one of these', new Error('batch failed', { cause: pgError('57P01') })],
    ['any of several attempts refused', new AggregateError([new Error('x'), pgError('08001')], 'all failed')],
  ])('holds %s transient', (_what, error) => {
    expect(isTransientError(error)).toBe(true);
  });

  it.each([
    ['a unique violation', pgError('23505')],
    ['unstorable JSON', pgError('22P05', 'unsupported Unicode escape sequence')],
    ['a statement past its timeout', pgError('57014', 'canceling statement due to statement timeout')],
    ['a bug in our code', new TypeError("Cannot read properties of undefined (reading 'streamId')")],
    ['something that is no Error', 'connection refused'],
  ])('holds %s deterministic', (_what, error) => {
    expect(isTransientError(error)).toBe(false);
  });
});
