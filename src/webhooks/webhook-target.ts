import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { ValidationError } from '../errors/http-errors.js';

/**
 * Where a webhook may be sent. Outside local mode: https only, and never an address inside a network (loopback,
 * private, link-local such as the cloud metadata service at 169.254.169.254, carrier-grade NAT, unique-local
 * IPv6, IPv4 written inside IPv6), so a tenant cannot make this server call its own neighbours (SSRF).
 */
const INTERNAL = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 3],
] as const) INTERNAL.addSubnet(net, bits, 'ipv4');
// ::/96 holds the unspecified and loopback addresses and the deprecated IPv4-compatible ones (::127.0.0.1);
// BlockList itself judges IPv4-mapped addresses (::ffff:10.0.0.1) by the IPv4 rules above.
for (const [net, bits] of [['::', 96], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8], ['64:ff9b::', 96], ['2001:db8::', 32]] as const) {
  INTERNAL.addSubnet(net, bits, 'ipv6');
}

export interface TargetPolicy {
  /** Local mode (WEBHOOKS_ALLOW_PRIVATE_URLS): http and internal addresses allowed, for a receiver on this machine. */
  allowPrivate: boolean;
}

export class RefusedTargetError extends Error {
  constructor(readonly code: 'REFUSED_SCHEME' | 'REFUSED_ADDRESS' | 'UNRESOLVED', message: string) {
    super(message);
    this.name = 'RefusedTargetError';
  }
}

export function isInternalAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  return INTERNAL.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/** Every address the host resolves to must be public: one internal answer refuses the whole name. */
export async function resolvePublic(hostname: string, policy: TargetPolicy): Promise<{ address: string; family: number }[]> {
  const host = hostname.replace(/^\[|\]$/g, '');
  const found = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookup(host, { all: true, verbatim: true }).catch(() => []);
  if (!found.length) throw new RefusedTargetError('UNRESOLVED', `${host} does not resolve`);
  if (!policy.allowPrivate && found.some((a) => isInternalAddress(a.address))) {
    throw new RefusedTargetError('REFUSED_ADDRESS', `${host} resolves to an internal address`);
  }
  return found;
}

/** The check at registration: a well-formed URL, https, resolving to public addresses (the worker checks again). */
export async function checkWebhookUrl(raw: string, policy: TargetPolicy): Promise<string> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ValidationError([{ field: 'url', message: 'must be an absolute URL' }]);
  }
  const schemes = policy.allowPrivate ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) throw new ValidationError([{ field: 'url', message: 'must be an https URL' }]);
  if (url.username || url.password) throw new ValidationError([{ field: 'url', message: 'must not carry credentials' }]);
  try {
    await resolvePublic(url.hostname, policy);
  } catch (err) {
    if (err instanceof RefusedTargetError) throw new ValidationError([{ field: 'url', message: 'must resolve to public addresses only (no loopback, private or link-local address)' }]);
    throw err;
  }
  return url.toString();
}
