import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { randomUUID } from 'node:crypto';
import { ACCESS_AUDIENCE } from '../../src/access/access-audience.js';

/**
 * A lock back-end as a vendor would build it from the README: its own ES256 key pair (the private key stays
 * here), registered through the admin API by its public JWK, then speaking HTTP to the tenant on its own.
 */
export class SimulatedLock {
  clientId = '';
  private constructor(
    readonly publicJwk: JWK,
    private readonly privateKey: CryptoKey,
  ) {}

  static async create(): Promise<SimulatedLock> {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    return new SimulatedLock({ ...(await exportJWK(publicKey)), kid: randomUUID() }, privateKey);
  }

  /** The client assertion (RFC 7523) for `issuer`: this lock, to this tenant, once. */
  assertion(issuer: string, overrides: { iss?: string; aud?: string } = {}): Promise<string> {
    return new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: this.publicJwk.kid })
      .setIssuer(overrides.iss ?? this.clientId)
      .setSubject(overrides.iss ?? this.clientId)
      .setAudience(overrides.aud ?? issuer)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime('60s')
      .sign(this.privateKey);
  }

  /** The token endpoint's whole answer to a client-credentials request for the access API. */
  async tokenResponse(issuer: string, scope = 'access:decide access:status'): Promise<{ status: number; body: any }> {
    const res = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: this.clientId,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: await this.assertion(issuer),
        resource: ACCESS_AUDIENCE,
        scope,
      }),
    });
    return { status: res.status, body: await res.json() };
  }

  async token(issuer: string, scope?: string): Promise<string> {
    const { status, body } = await this.tokenResponse(issuer, scope);
    if (status !== 200) throw new Error(`token endpoint answered ${status}: ${JSON.stringify(body)}`);
    return body.access_token;
  }
}

/** A call to a tenant's access API: JSON in, the response out, problems and all. */
export async function accessCall(issuer: string, path: string, token: string | undefined, body: unknown): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${issuer}/access/v1${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}
