import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary as commonDictionary } from '@zxcvbn-ts/language-common';
import { dictionary as germanDictionary } from '@zxcvbn-ts/language-de';
import { dictionary as englishDictionary, translations } from '@zxcvbn-ts/language-en';
import { checkPassword, MAX_LENGTH, MIN_SCORE, passwordContext } from '../../src/security/password-policy.js';
import { strengthScore } from '../../src/security/password-strength.js';
import { breachedPassword } from '../support/passwords.js';
import { delayAfter, FREE_FAILURES, MAX_DELAY_SECONDS } from '../../src/security/login-lockout.js';
import type { TenantDoc } from '../../src/tenants/tenant.model.js';

const tenant = { name: 'Nordlys Offices', settings: { passwordMinLength: 12 } } as Pick<TenantDoc, 'name' | 'settings'>;
const person = { email: 'ingrid.halvorsen@nordlys.test', givenName: 'Ingrid', familyName: 'Halvorsen' };

describe('password policy', () => {
  const context = passwordContext(tenant, person);

  it('accepts a long passphrase of unrelated words', async () => {
    expect(await checkPassword('Lantern-Orchard-Velvet-42', context)).toEqual([]);
  });

  it('finds the person in their given and family name when no full name is stored', async () => {
    expect(await checkPassword('Halvorsen-Lantern-Orchard-42', context)).toContain('contains_personal_data');
    expect(await checkPassword('Ingrid.Halvorsen.Nordlys.2024', context)).toContain('contains_personal_data');
  });

  it("weighs the tenant's name as a guesser's first word", async () => {
    expect(await checkPassword('Nordlys!2024', context)).toContain('too_weak');
    expect(await checkPassword('Nordlys!2024', { ...context, words: [] })).not.toContain('too_weak');
  });

  it('refuses an oversized password without estimating it', async () => {
    expect(await checkPassword('x'.repeat(MAX_LENGTH + 1), context)).toEqual(['too_long']);
    expect(await checkPassword('x'.repeat(MAX_LENGTH), context)).not.toContain('too_long');
  });

  it('never lets a tenant go below 8 characters', async () => {
    const lenient = passwordContext({ ...tenant, settings: { ...tenant.settings, passwordMinLength: 4 } }, person);
    expect(lenient.minLength).toBe(8);
    expect(await checkPassword('k#8Pz!q', lenient)).toContain('too_short');
  });

  it('estimates on the worker threads exactly as zxcvbn does on this one, many at once', async () => {
    const here = new ZxcvbnFactory({
      dictionary: { ...commonDictionary, ...englishDictionary, ...germanDictionary },
      graphs: adjacencyGraphs,
      translations,
      maxLength: 64,
      l33tMaxSubstitutions: 10,
    });
    const words = ['ingrid', 'halvorsen', 'nordlys', 'offices'];
    const passwords = ['Nordlys!2024', 'Lantern-Orchard-Velvet-42', 'Sommerhaus2020!', 'qwertzuiop123', 'correct horse battery staple', 'p4ssw0rd-p4ssw0rd', 'Tr0ub4dor&3', 'x'.repeat(200)];
    const scores = await Promise.all(passwords.map((password) => strengthScore(password, words)));
    expect(scores).toEqual(passwords.map((password) => here.check(password, words).score));
    // Both verdicts are among them, so the comparison covers refusals and acceptances.
    expect(scores.some((score) => score < MIN_SCORE)).toBe(true);
    expect(scores.some((score) => score >= MIN_SCORE)).toBe(true);
  });

  it('estimates off this thread: the event loop turns while an estimate is under way', async () => {
    let turned = false;
    const estimate = strengthScore('Kx9#mQ2$vL7&pR4!wZ8*nT3^bY6@hJ5%', []).then((score) => ({ score, turned }));
    setImmediate(() => (turned = true));
    expect((await estimate).turned).toBe(true);
  });

  it('refuses a breached or too short password for that alone, estimated or not', async () => {
    expect(await checkPassword(breachedPassword(), context)).toEqual(['breached']);
    expect(await checkPassword('k#8Pz!q', context)).toEqual(['too_short']);
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
