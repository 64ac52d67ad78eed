import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import ipaddr from 'ipaddr.js';
import { Agent } from 'undici';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** A webhook address the policy does not allow; the attempt fails without a connection. */
export class TargetRefused extends Error {
  override readonly name = 'TargetRefused';

  constructor(host: string, address: string) {
    super(`${host} resolves to ${address}, which is not a public address nor in NOTIFIER_ALLOWED_NETWORKS`);
  }
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** An IPv4 address written as IPv6 (`::ffff:10.0.0.1`) is judged as the IPv4 address it is. */
function normalised(address: string): Address {
  const parsed = ipaddr.parse(address);
  return parsed instanceof ipaddr.IPv6 && parsed.isIPv4MappedAddress() ? parsed.toIPv4Address() : parsed;
}

/**
 * Where webhooks may be delivered. Anyone holding the notifier's API key registers URLs, and the
 * notifier then makes requests from inside the network: so by default only public unicast
 * addresses are reached — not loopback, private, link-local (cloud metadata services),
 * carrier-grade NAT, multicast or reserved ones — plus the networks the operator lists in
 * NOTIFIER_ALLOWED_NETWORKS (CIDRs, e.g. the internal services' subnet). The address judged is
 * the one connected to (see `lookup`), so a name that resolves elsewhere later gains nothing.
 */
export class TargetPolicy {
  private constructor(private readonly networks: readonly [Address, number][]) {}

  /** The policy from a comma-separated CIDR list; throws naming the first entry that is none. */
  static parse(list: string | undefined): TargetPolicy {
    const entries = (list ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
    return new TargetPolicy(
      entries.map((entry) => {
        if (!ipaddr.isValidCIDR(entry)) throw new Error(`${JSON.stringify(entry)} is not a CIDR network`);
        const [network, bits] = ipaddr.parseCIDR(entry);
        return [network, bits];
      }),
    );
  }

  allows(address: string): boolean {
    const parsed = normalised(address);
    if (parsed.range() === 'unicast') return true;
    return this.networks.some(
      ([network, bits]) => network.kind() === parsed.kind() && parsed.match(network, bits),
    );
  }

  /** The address literal a URL names as its host, refused when not allowed; names pass (see lookup). */
  checkUrl(url: string): void {
    const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
    if (ipaddr.isValid(host) && !this.allows(host)) throw new TargetRefused(host, host);
  }

  /**
   * A drop-in for dns.lookup on the delivery's connection: it resolves as usual and answers only
   * when every address is allowed, so the socket connects to an address this policy judged.
   */
  readonly lookup = (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const refused = addresses.find((each) => !this.allows(each.address));
      if (refused) return callback(new TargetRefused(hostname, refused.address), []);
      if (options.all) return callback(null, addresses);
      return callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

/** The HTTP agent deliveries go through: it connects only where `policy` allows. */
export function deliveryAgent(policy: TargetPolicy): Agent {
  return new Agent({ connect: { lookup: policy.lookup } });
}
