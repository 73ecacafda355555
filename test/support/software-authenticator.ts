import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

/**
 * A WebAuthn authenticator in software, as a browser and a platform authenticator would answer a relying
 * party: P-256 keys from node:crypto, 'none' attestation, CBOR written by hand (the few shapes WebAuthn uses),
 * a signature counter. `clone()` copies the key and counter, as an attacker who copied the device would.
 */
export interface AuthenticatorOptions {
  origin: string;
  /** User verification (PIN, biometric): the UV flag. */
  userVerified?: boolean;
  /** A synced passkey (backup eligible): the server sees a multi-device credential. */
  backupEligible?: boolean;
  /** Keeps no signature counter (always 0), as most synced passkeys do: the counter cannot reveal a replay. */
  counterless?: boolean;
}

interface Credential {
  id: Buffer;
  rpId: string;
  userHandle: Buffer;
  privateKey: KeyObject;
  publicKey: KeyObject;
  counter: number;
}

type Json = Record<string, unknown>;

export class SoftwareAuthenticator {
  readonly credentials: Credential[] = [];

  constructor(private readonly options: AuthenticatorOptions) {}

  /** Answers navigator.credentials.create() for the server's options JSON, as RegistrationResponseJSON. */
  create(options: Json): Json {
    const rp = options.rp as { id: string };
    const user = options.user as { id: string };
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const credential: Credential = { id: randomBytes(32), rpId: rp.id, userHandle: Buffer.from(user.id, 'base64url'), privateKey, publicKey, counter: 0 };
    this.credentials.push(credential);
    const clientData = this.clientData('webauthn.create', options.challenge as string);
    const authData = Buffer.concat([this.authData(credential, 0x40), attestedCredential(credential)]);
    const attestationObject = cbor(new Map<unknown, unknown>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]));
    const id = credential.id.toString('base64url');
    return {
      id,
      rawId: id,
      type: 'public-key',
      clientExtensionResults: {},
      response: { clientDataJSON: clientData.toString('base64url'), attestationObject: attestationObject.toString('base64url'), transports: ['internal'] },
    };
  }

  /** Answers navigator.credentials.get(): a credential allowed by the options, or any discoverable one for the RP. */
  get(options: Json): Json {
    const allowed = ((options.allowCredentials as { id: string }[] | undefined) ?? []).map((c) => c.id);
    const credential = this.credentials.find((c) => c.rpId === options.rpId && (!allowed.length || allowed.includes(c.id.toString('base64url'))));
    if (!credential) throw new Error('NotAllowedError: no credential for this request');
    if (!this.options.counterless) credential.counter += 1;
    const clientData = this.clientData('webauthn.get', options.challenge as string);
    const authData = this.authData(credential, 0);
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientData)]), credential.privateKey);
    const id = credential.id.toString('base64url');
    return {
      id,
      rawId: id,
      type: 'public-key',
      clientExtensionResults: {},
      response: {
        clientDataJSON: clientData.toString('base64url'),
        authenticatorData: authData.toString('base64url'),
        signature: signature.toString('base64url'),
        userHandle: credential.userHandle.toString('base64url'),
      },
    };
  }

  /** A copy of the device as it is now: same keys, same counter, moving on separately from here. */
  clone(): SoftwareAuthenticator {
    const copy = new SoftwareAuthenticator(this.options);
    copy.credentials.push(...this.credentials.map((c) => ({ ...c })));
    return copy;
  }

  private clientData(type: string, challenge: string): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin: this.options.origin, crossOrigin: false }));
  }

  /** rpIdHash | flags (UP, UV, BE, + extra) | signCount */
  private authData(credential: Credential, extraFlags: number): Buffer {
    const flags = 0x01 | (this.options.userVerified === false ? 0 : 0x04) | (this.options.backupEligible ? 0x08 : 0) | extraFlags;
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(credential.counter);
    return Buffer.concat([sha256(Buffer.from(credential.rpId)), Buffer.from([flags]), counter]);
  }
}

/** aaguid (zeros) | credential id length | credential id | COSE_Key of the public key */
function attestedCredential(credential: Credential): Buffer {
  const jwk = credential.publicKey.export({ format: 'jwk' });
  const coseKey = new Map<unknown, unknown>([
    [1, 2], // kty: EC2
    [3, -7], // alg: ES256
    [-1, 1], // crv: P-256
    [-2, Buffer.from(jwk.x!, 'base64url')],
    [-3, Buffer.from(jwk.y!, 'base64url')],
  ]);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(credential.id.length);
  return Buffer.concat([Buffer.alloc(16), length, credential.id, cbor(coseKey)]);
}

function sha256(data: Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}

/** CBOR (RFC 8949) for integers, byte and text strings and maps: all that attestation objects need. */
function cbor(value: unknown): Buffer {
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (Buffer.isBuffer(value)) return Buffer.concat([head(2, value.length), value]);
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([head(3, bytes.length), bytes]);
  }
  if (value instanceof Map) return Buffer.concat([head(5, value.size), ...[...value].flatMap(([k, v]) => [cbor(k), cbor(v)])]);
  throw new TypeError(`cannot encode ${typeof value}`);
}

function head(major: number, length: number): Buffer {
  if (length < 24) return Buffer.from([(major << 5) | length]);
  if (length < 0x100) return Buffer.from([(major << 5) | 24, length]);
  const buf = Buffer.alloc(3);
  buf[0] = (major << 5) | 25;
  buf.writeUInt16BE(length, 1);
  return buf;
}
