import { randomBytes } from 'node:crypto';
import { FieldCipher, normalizeEmail } from '../../src/crypto/field-cipher.js';
import { MasterKey } from '../../src/crypto/master-key.js';
import { dataKeyAad, TenantKeyring } from '../../src/tenants/tenant-keyring.js';

/** What AES-GCM says when the key, the tag or the bound data (tenant, field) does not match. */
const AUTHENTICATION_FAILED = /unable to authenticate data/;

/** The parts of a sealed box, decoded: `v1.<iv>.<tag>.<ciphertext>`. */
function parts(box: string): { version: string; iv: Buffer; tag: Buffer; ciphertext: Buffer } {
  const [version, iv, tag, ciphertext] = box.split('.');
  return {
    version: version!,
    iv: Buffer.from(iv!, 'base64url'),
    tag: Buffer.from(tag!, 'base64url'),
    ciphertext: Buffer.from(ciphertext!, 'base64url'),
  };
}

function assemble(p: ReturnType<typeof parts>): string {
  return [p.version, p.iv.toString('base64url'), p.tag.toString('base64url'), p.ciphertext.toString('base64url')].join('.');
}

/** Every box that differs from `box` by one flipped bit in one byte of its iv, tag or ciphertext. */
function tamperedCopies(box: string): { where: string; box: string }[] {
  const original = parts(box);
  const copies: { where: string; box: string }[] = [];
  for (const field of ['iv', 'tag', 'ciphertext'] as const) {
    for (let i = 0; i < original[field].length; i++) {
      const changed = Buffer.from(original[field]);
      changed[i] = changed[i]! ^ (1 << (i % 8));
      copies.push({ where: `${field}[${i}]`, box: assemble({ ...original, [field]: changed }) });
    }
  }
  return copies;
}

/** Runs `open` and tells whether it refused; a refusal that returns a value is not a refusal. */
function refuses(open: () => unknown): boolean {
  try {
    open();
    return false;
  } catch {
    return true;
  }
}

describe('field cipher', () => {
  const tenantId = 'ten_alpha';
  const dataKey = randomBytes(32);
  const cipher = new FieldCipher(dataKey, tenantId);

  describe('sealed fields', () => {
    it.each([
      ['an address', 'alice@example.test'],
      ['letters outside ASCII', 'Åse Ørsted-Müller 👋'],
      ['an empty string', ''],
      ['a long value', 'x'.repeat(10_000)],
    ])('opens what it sealed: %s', (_what, value) => {
      const box = cipher.encrypt(value, 'email');
      expect(box).not.toContain(value || '\u0000');
      expect(cipher.decrypt(box, 'email')).toBe(value);
    });

    it('seals the same value differently each time', () => {
      const value = 'alice@example.test';
      const boxes = new Set(Array.from({ length: 5 }, () => cipher.encrypt(value, 'email')));
      expect(boxes.size).toBe(5);
      for (const box of boxes) expect(cipher.decrypt(box, 'email')).toBe(value);
    });

    it('opens with a new cipher made from the same data key and tenant, as another process would', () => {
      const box = cipher.encrypt('+45 12 34 56 78', 'phone');
      expect(new FieldCipher(Buffer.from(dataKey), tenantId).decrypt(box, 'phone')).toBe('+45 12 34 56 78');
    });

    it('fails to open a box under another tenant id, even with the same data key', () => {
      const box = cipher.encrypt('alice@example.test', 'email');
      expect(() => new FieldCipher(dataKey, 'ten_beta').decrypt(box, 'email')).toThrow(AUTHENTICATION_FAILED);
    });

    it('fails to open a box under another field name', () => {
      const box = cipher.encrypt('Alice Andersen', 'name');
      expect(() => cipher.decrypt(box, 'givenName')).toThrow(AUTHENTICATION_FAILED);
      expect(() => cipher.decrypt(box, 'email')).toThrow(AUTHENTICATION_FAILED);
    });

    it('fails to open a box under another data key', () => {
      const box = cipher.encrypt('alice@example.test', 'email');
      expect(() => new FieldCipher(randomBytes(32), tenantId).decrypt(box, 'email')).toThrow(AUTHENTICATION_FAILED);
    });

    it('fails to open a box with any byte of its iv, tag or ciphertext changed', () => {
      const box = cipher.encrypt('alice@example.test', 'email');
      const copies = tamperedCopies(box);
      const { iv, tag, ciphertext } = parts(box);
      expect(copies).toHaveLength(iv.length + tag.length + ciphertext.length);
      const opened = copies.filter((copy) => !refuses(() => cipher.decrypt(copy.box, 'email'))).map((copy) => copy.where);
      expect(opened).toEqual([]);
    });

    it('fails to open a box whose tag was cut short', () => {
      const box = cipher.encrypt('alice@example.test', 'email');
      const original = parts(box);
      for (const length of [4, 8, 12, 15]) {
        const truncated = assemble({ ...original, tag: original.tag.subarray(0, length) });
        expect(refuses(() => cipher.decrypt(truncated, 'email'))).toBe(true);
      }
    });

    it('fails to open what is not a sealed box of this version', () => {
      const box = cipher.encrypt('alice@example.test', 'email');
      expect(() => cipher.decrypt(box.replace(/^v1\./, 'v2.'), 'email')).toThrow('Not a sealed box');
      expect(() => cipher.decrypt('alice@example.test', 'email')).toThrow('Not a sealed box');
      expect(() => cipher.decrypt(box.split('.').slice(0, 3).join('.'), 'email')).toThrow('Not a sealed box');
    });

    it('passes absent values through the optional forms, and seals present ones', () => {
      for (const absent of [undefined, null, '']) expect(cipher.encryptOptional(absent, 'phone')).toBeUndefined();
      for (const absent of [undefined, null, '']) expect(cipher.decryptOptional(absent, 'phone')).toBeUndefined();
      const box = cipher.encryptOptional('+45 12 34 56 78', 'phone');
      expect(box).toEqual(expect.any(String));
      expect(cipher.decryptOptional(box, 'phone')).toBe('+45 12 34 56 78');
    });
  });

  describe('blind index', () => {
    const email = normalizeEmail('Alice@Example.TEST ');

    it('is deterministic for one tenant key, across cipher instances', () => {
      const index = cipher.blindIndex(email, 'email');
      expect(cipher.blindIndex(email, 'email')).toBe(index);
      expect(new FieldCipher(Buffer.from(dataKey), tenantId).blindIndex(email, 'email')).toBe(index);
    });

    it('differs between tenants for the same address', () => {
      const other = new FieldCipher(randomBytes(32), 'ten_beta');
      expect(other.blindIndex(email, 'email')).not.toBe(cipher.blindIndex(email, 'email'));
    });

    it('differs between addresses and between fields', () => {
      expect(cipher.blindIndex(normalizeEmail('bob@example.test'), 'email')).not.toBe(cipher.blindIndex(email, 'email'));
      expect(cipher.blindIndex(email, 'phone')).not.toBe(cipher.blindIndex(email, 'email'));
    });

    it('does not reveal the address it indexes', () => {
      const index = cipher.blindIndex(email, 'email');
      expect(index).not.toContain('alice');
      expect(index).not.toContain('example');
      expect(Buffer.from(index, 'base64url').toString('utf8')).not.toContain('alice');
    });

    it('matches the same address however it was typed, once normalized', () => {
      const typed = ['alice@example.test', 'ALICE@EXAMPLE.TEST', '  Alice@Example.test\t'];
      const indexes = new Set(typed.map((t) => cipher.blindIndex(normalizeEmail(t), 'email')));
      expect([...indexes]).toEqual([cipher.blindIndex('alice@example.test', 'email')]);
    });

    it('is the same for a tenant in every process sharing the master key', () => {
      const masterKey = randomBytes(32);
      const tenant = { _id: 'ten_gamma', wrappedDataKey: new MasterKey(masterKey).wrap(randomBytes(32), dataKeyAad('ten_gamma')) };
      const inOne = new TenantKeyring(new MasterKey(masterKey)).cipherFor(tenant);
      const inAnother = new TenantKeyring(new MasterKey(Buffer.from(masterKey))).cipherFor(tenant);
      expect(inAnother.blindIndex(email, 'email')).toBe(inOne.blindIndex(email, 'email'));
      expect(inAnother.decrypt(inOne.encrypt('Gamma Person', 'name'), 'name')).toBe('Gamma Person');
    });
  });
});

describe('master key', () => {
  const bytes = randomBytes(32);
  const masterKey = new MasterKey(bytes);

  it('unwraps what it wrapped', () => {
    const secret = randomBytes(32);
    const box = masterKey.wrap(secret, 'data-key:ten_alpha');
    expect(box).not.toContain(secret.toString('base64url'));
    expect(masterKey.unwrap(box, 'data-key:ten_alpha').equals(secret)).toBe(true);
  });

  it('fails to unwrap with another master key', () => {
    const box = masterKey.wrap(randomBytes(32), 'data-key:ten_alpha');
    expect(() => new MasterKey(randomBytes(32)).unwrap(box, 'data-key:ten_alpha')).toThrow(AUTHENTICATION_FAILED);
  });

  it('fails to unwrap under another purpose than it was wrapped for', () => {
    const box = masterKey.wrap(randomBytes(32), 'data-key:ten_alpha');
    expect(() => masterKey.unwrap(box, 'data-key:ten_beta')).toThrow(AUTHENTICATION_FAILED);
    expect(() => masterKey.unwrap(box, 'signing-key:ten_alpha:kid')).toThrow(AUTHENTICATION_FAILED);
  });

  it('fails to unwrap a wrapped secret with any byte changed', () => {
    const box = masterKey.wrap(randomBytes(32), 'data-key:ten_alpha');
    const opened = tamperedCopies(box).filter((copy) => !refuses(() => masterKey.unwrap(copy.box, 'data-key:ten_alpha')));
    expect(opened.map((copy) => copy.where)).toEqual([]);
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => new MasterKey(randomBytes(16))).toThrow('The master key must be 32 bytes');
    expect(() => new MasterKey(randomBytes(33))).toThrow('The master key must be 32 bytes');
  });

  it('derives the same secret for the same purpose, in every process with the same key', () => {
    const again = new MasterKey(Buffer.from(bytes));
    expect(again.derive('cookies').equals(masterKey.derive('cookies'))).toBe(true);
    expect(again.id).toBe(masterKey.id);
  });

  it('derives different secrets for different purposes and different keys', () => {
    const cookies = masterKey.derive('cookies');
    expect(masterKey.derive('cookies:ten_alpha').equals(cookies)).toBe(false);
    expect(masterKey.derive('cookies:ten_beta').equals(masterKey.derive('cookies:ten_alpha'))).toBe(false);
    const other = new MasterKey(randomBytes(32));
    expect(other.derive('cookies').equals(cookies)).toBe(false);
    expect(other.id).not.toBe(masterKey.id);
  });

  it('derives secrets of the length asked for, without revealing the key', () => {
    expect(masterKey.derive('cookies')).toHaveLength(32);
    expect(masterKey.derive('cookies', 64)).toHaveLength(64);
    expect(masterKey.derive('cookies').equals(bytes)).toBe(false);
    expect(masterKey.id).not.toContain(bytes.toString('base64url').slice(0, 16));
  });
});
