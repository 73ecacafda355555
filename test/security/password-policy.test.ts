import { checkPassword, MAX_LENGTH, passwordContext } from '../../src/security/password-policy.js';
import { delayAfter, FREE_FAILURES, MAX_DELAY_SECONDS } from '../../src/security/login-lockout.js';
import type { TenantDoc } from '../../src/tenants/tenant.model.js';

const tenant = { name: 'Nordlys Offices', settings: { passwordMinLength: 12 } } as Pick<TenantDoc, 'name' | 'settings'>;
const person = { email: 'ingrid.halvorsen@nordlys.test', givenName: 'Ingrid', familyName: 'Halvorsen' };

describe('password policy', () => {
  const context = passwordContext(tenant, person);

  it('accepts a long passphrase of unrelated words', () => {
    expect(checkPassword('Lantern-Orchard-Velvet-42', context)).toEqual([]);
  });

  it('finds the person in their given and family name when no full name is stored', () => {
    expect(checkPassword('Halvorsen-Lantern-Orchard-42', context)).toContain('contains_personal_data');
    expect(checkPassword('Ingrid.Halvorsen.Nordlys.2024', context)).toContain('contains_personal_data');
  });

  it("weighs the tenant's name as a guesser's first word", () => {
    expect(checkPassword('Nordlys!2024', context)).toContain('too_weak');
    expect(checkPassword('Nordlys!2024', { ...context, words: [] })).not.toContain('too_weak');
  });

  it('refuses an oversized password without estimating it', () => {
    expect(checkPassword('x'.repeat(MAX_LENGTH + 1), context)).toEqual(['too_long']);
    expect(checkPassword('x'.repeat(MAX_LENGTH), context)).not.toContain('too_long');
  });

  it('never lets a tenant go below 8 characters', () => {
    const lenient = passwordContext({ ...tenant, settings: { ...tenant.settings, passwordMinLength: 4 } }, person);
    expect(lenient.minLength).toBe(8);
    expect(checkPassword('k#8Pz!q', lenient)).toContain('too_short');
  });
});

describe('lockout delays', () => {
  it('lets the first failures pass, then doubles the wait, up to its ceiling', () => {
    const delays = Array.from({ length: 20 }, (_, i) => delayAfter(i + 1));
    expect(delays.slice(0, FREE_FAILURES).every((d) => d === 0)).toBe(true);
    for (let k = FREE_FAILURES + 1; k < 20; k++) {
      expect(delays[k]).toBe(Math.min(2 * delays[k - 1]!, MAX_DELAY_SECONDS));
    }
    expect(delays[FREE_FAILURES]).toBe(2);
    expect(Math.max(...delays)).toBe(MAX_DELAY_SECONDS);
  });
});
