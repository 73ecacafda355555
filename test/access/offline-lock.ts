import { calculateJwkThumbprint, createLocalJWKSet, EmbeddedJWK, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';

interface Entry {
  type: 'device' | 'user' | 'permission';
  id: string;
  revoked_at: string;
}

/**
 * A lock that cannot ask, built from the README's offline check: it holds the tenant's JWKS (fetched once from
 * /t/<slug>/jwks) and the revocation list it last synced, and nothing else. It opens for a door key signed by the
 * tenant, unexpired, naming the door with the time in its window, presented with a proof over the lock's
 * challenge signed by the key the door key is bound to, and whose device, person or grant it has not seen revoked.
 */
export class OfflineLock {
  version = 0;
  private readonly revoked = new Map<string, number>();

  private constructor(
    readonly issuer: string,
    private readonly jwks: ReturnType<typeof createLocalJWKSet>,
  ) {}

  static async of(issuer: string): Promise<OfflineLock> {
    const res = await fetch(`${issuer}/jwks`);
    return new OfflineLock(issuer, createLocalJWKSet((await res.json()) as JSONWebKeySet));
  }

  /** The revocation list's payload, verified with the JWKS alone; its entries are kept. */
  async sync(lockToken: string): Promise<JWTPayload & { version: number; since: number; entries: Entry[] }> {
    const res = await fetch(`${this.issuer}/access/v1/revocations?since=${this.version}`, { headers: { authorization: `Bearer ${lockToken}` } });
    if (res.status !== 200) throw new Error(`revocations answered ${res.status}`);
    const { payload } = await jwtVerify<{ version: number; since: number; entries: Entry[] }>(((await res.json()) as { revocation_list: string }).revocation_list, this.jwks, {
      issuer: this.issuer,
      typ: 'revocation-list+jwt',
      algorithms: ['ES256'],
    });
    for (const e of payload.entries) this.revoked.set(`${e.type}:${e.id}`, Date.parse(e.revoked_at));
    this.version = payload.version;
    return payload;
  }

  /** Whether the door opens, and if not, why. */
  async open(door: string, doorKey: string, proof: string, challenge: string, now = new Date()): Promise<{ open: boolean; why?: string }> {
    let key;
    try {
      ({ payload: key } = await jwtVerify<{ sub: string; device_id: string; cnf: { jkt: string }; doors: { door_id: string; permission_id: string; valid_from: string | null; valid_until: string | null }[] }>(
        doorKey,
        this.jwks,
        { issuer: this.issuer, typ: 'door-key+jwt', algorithms: ['ES256'], currentDate: now },
      ));
    } catch {
      return { open: false, why: 'door key not valid' };
    }
    try {
      const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, { typ: 'door-proof+jwt', algorithms: ['ES256'] });
      if (payload.nonce !== challenge || (await calculateJwkThumbprint(protectedHeader.jwk!, 'sha256')) !== key.cnf.jkt) return { open: false, why: 'proof not of the bound key' };
    } catch {
      return { open: false, why: 'proof not valid' };
    }
    const issuedAt = key.iat! * 1000;
    const after = (id: string) => (this.revoked.get(id) ?? -Infinity) >= issuedAt;
    if (after(`device:${key.device_id}`) || after(`user:${key.sub}`)) return { open: false, why: 'revoked' };
    const t = now.getTime();
    const holds = key.doors.some(
      (d) => d.door_id === door && !this.revoked.has(`permission:${d.permission_id}`) && (!d.valid_from || Date.parse(d.valid_from) <= t) && (!d.valid_until || t < Date.parse(d.valid_until)),
    );
    return holds ? { open: true } : { open: false, why: 'door not in key' };
  }
}
