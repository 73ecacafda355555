import argon2 from 'argon2';
import { generateKeyPair, SignJWT } from 'jose';
import { performance } from 'node:perf_hooks';
import type { Argon2Params } from '../src/users/password-hasher.js';
import { median } from './stats.js';

export interface CryptoBounds {
  argon2: Argon2Params & { medianMs: number; samples: number };
  /** JWS signatures per second with one signer at a time, and with two at once (this machine has 2 cores). */
  signPerSecond: Record<'ES256' | 'RS256', { oneStream: number; twoStreams: number }>;
}

/** The time of one password check at the configured cost: what every sign-in pays. Median of `samples`. */
async function argon2Time(params: Argon2Params, samples: number): Promise<number> {
  const hash = await argon2.hash('Correct-Horse-Battery-9', { type: argon2.argon2id, ...params });
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    if (!(await argon2.verify(hash, 'Correct-Horse-Battery-9'))) throw new Error('argon2 verify failed');
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** Signatures per second over `ms`, like an access or ID token's: jose, which oidc-provider signs with. */
async function signRate(alg: 'ES256' | 'RS256', streams: number, ms: number): Promise<number> {
  const { privateKey } = await generateKeyPair(alg, alg === 'RS256' ? { modulusLength: 2048 } : {});
  const payload = { sub: 'usr_bench', aud: 'urn:bench:locks', scope: 'locks:open', tenant: 'bench' };
  let count = 0;
  const deadline = performance.now() + ms;
  const t0 = performance.now();
  const stream = async () => {
    while (performance.now() < deadline) {
      await new SignJWT(payload).setProtectedHeader({ alg, typ: 'at+jwt' }).setIssuedAt().setExpirationTime('10m').sign(privateKey);
      count += 1;
    }
  };
  await Promise.all(Array.from({ length: streams }, stream));
  return count / ((performance.now() - t0) / 1000);
}

export async function measureCryptoBounds(params: Argon2Params, options: { argon2Samples: number; signMs: number }): Promise<CryptoBounds> {
  const medianMs = await argon2Time(params, options.argon2Samples);
  const signPerSecond = {} as CryptoBounds['signPerSecond'];
  for (const alg of ['ES256', 'RS256'] as const) {
    signPerSecond[alg] = { oneStream: await signRate(alg, 1, options.signMs), twoStreams: await signRate(alg, 2, options.signMs) };
  }
  return { argon2: { ...params, medianMs, samples: options.argon2Samples }, signPerSecond };
}
