import { isLimited } from '../../src/security/rate-limit.store.js';

/** Makes `count` attempts one after another and counts those the limit allowed; a refusal is not an error. */
export async function countAllowed(count: number, attempt: () => Promise<unknown>): Promise<number> {
  let allowed = 0;
  for (let i = 0; i < count; i++) {
    try {
      await attempt();
      allowed += 1;
    } catch (err) {
      if (!isLimited(err)) throw err;
    }
  }
  return allowed;
}
