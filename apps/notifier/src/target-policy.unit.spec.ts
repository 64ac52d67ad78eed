import { TargetPolicy, TargetRefused } from './target-policy';

function lookup(policy: TargetPolicy, host: string, all: boolean) {
  return new Promise<{ error: Error | null; address: unknown }>((resolve) =>
    policy.lookup(host, { all }, (error, address) => resolve({ error, address })),
  );
}

describe('TargetPolicy (where webhooks may be delivered)', () => {
  const closed = TargetPolicy.parse(undefined);

  it('allows public unicast addresses and nothing inside the network by default', () => {
    expect(closed.allows('93.184.215.14')).toBe(true);
    expect(closed.allows('2606:4700::6810:85e5')).toBe(true);
    for (const inside of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '::1',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '::ffff:169.254.169.254',
    ]) {
      expect([inside, closed.allows(inside)]).toEqual([inside, false]);
    }
  });

  it('allows the networks the operator lists, and only those', () => {
    const policy = TargetPolicy.parse('10.20.0.0/16, 127.0.0.1/32,fd12::/16');
    expect(policy.allows('10.20.3.4')).toBe(true);
    expect(policy.allows('10.21.3.4')).toBe(false);
    expect(policy.allows('127.0.0.1')).toBe(true);
    expect(policy.allows('::ffff:127.0.0.1')).toBe(true);
    expect(policy.allows('127.0.0.2')).toBe(false);
    expect(policy.allows('fd12::9')).toBe(true);
    expect(policy.allows('169.254.169.254')).toBe(false);
  });

  it('refuses a list entry that is not a CIDR network, naming it', () => {
    expect(() => TargetPolicy.parse('10.0.0.0/8,intranet')).toThrow('"intranet" is not a CIDR network');
    expect(() => TargetPolicy.parse('10.0.0.0')).toThrow('"10.0.0.0" is not a CIDR network');
  });

  it('judges address literals in URLs at once and leaves names to the connection', () => {
    expect(() => closed.checkUrl('http://169.254.169.254/latest/meta-data')).toThrow(TargetRefused);
    expect(() => closed.checkUrl('http://[::1]:8080/hook')).toThrow(TargetRefused);
    expect(() => closed.checkUrl('https://93.184.215.14/hook')).not.toThrow();
    expect(() => closed.checkUrl('https://hooks.internal.example/hook')).not.toThrow();
  });

  it('answers a lookup only with allowed addresses, for one address or all', async () => {
    expect((await lookup(closed, 'localhost', false)).error).toBeInstanceOf(TargetRefused);
    expect((await lookup(closed, 'localhost', true)).error).toBeInstanceOf(TargetRefused);
    const local = TargetPolicy.parse('127.0.0.0/8,::1/128');
    expect(await lookup(local, 'localhost', false)).toEqual({
      error: null,
      address: expect.stringMatching(/^(127\.|::1)/),
    });
    const all = await lookup(local, 'localhost', true);
    expect(all.error).toBeNull();
    expect((all.address as { address: string }[]).length).toBeGreaterThan(0);
  });
});
