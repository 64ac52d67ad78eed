import { databaseTrouble, isDatabaseUnavailable } from './unavailable';

const withCode = (code: string, message = 'from the server') => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it.each([
    ['admin shutdown (restart)', withCode('57P01')],
    ['crash shutdown', withCode('57P02')],
    ['starting up / shutting down', withCode('57P03')],
    ['connection failure', withCode('08006')],
    ['connection does not exist', withCode('08003')],
    ['too many connections', withCode('53300')],
    ['lock timeout', withCode('55P03')],
    ['statement timeout', withCode('57014')],
    ['idle in transaction timeout', withCode('25P03')],
    ['connection refused', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['connection reset', withCode('ECONNRESET', 'read ECONNRESET')],
    ['lost connection', new Error('Connection terminated unexpectedly')],
    ['pool connect timeout', new Error('timeout exceeded when trying to connect')],
    [
      'client connect timeout',
      new Error('Connection terminated due to connection timeout', { cause: new Error('timeout expired') }),
    ],
    [
      'refused on every address',
      new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')], ''),
    ],
    ['pool closed by a shutdown', new Error('Cannot use a pool after calling end on the pool')],
  ])('%s: yes', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['unique violation', withCode('23505')],
    ['NUL in jsonb', withCode('22P05')],
    ['syntax error', withCode('42601')],
    ['an error without a code', new Error('something else')],
    ['not an error', 'Connection terminated unexpectedly'],
    ['nothing', undefined],
  ])('%s: no', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});

describe('databaseTrouble', () => {
  it.each([
    ['57P01', 'unreachable'],
    ['08006', 'unreachable'],
    ['58030', 'unreachable'],
    ['53300', 'contended'],
    ['53200', 'contended'],
    ['55P03', 'contended'],
    ['40001', 'contended'],
    ['40P01', 'contended'],
    ['57014', 'timed-out'],
    ['23505', undefined],
  ])('tells %s apart: %s', (code, trouble) => {
    expect(databaseTrouble(withCode(code))).toBe(trouble);
  });
});
