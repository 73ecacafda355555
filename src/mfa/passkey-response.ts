import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { z } from 'zod';

const B64Url = z.string().regex(/^[A-Za-z0-9_-]*$/).max(16_384);
const Common = {
  id: B64Url.min(1),
  rawId: B64Url.min(1),
  type: z.literal('public-key'),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
};
const Registration = z.object({
  ...Common,
  response: z.object({ clientDataJSON: B64Url, attestationObject: B64Url, transports: z.array(z.string().max(32)).max(10).optional() }),
});
const Authentication = z.object({
  ...Common,
  response: z.object({ clientDataJSON: B64Url, authenticatorData: B64Url, signature: B64Url, userHandle: B64Url.optional() }),
});

/** The browser's credential, as the page's script posted it (JSON in a form field); undefined if malformed. */
export function parseRegistration(json: string): RegistrationResponseJSON | undefined {
  const parsed = Registration.safeParse(parseJson(json));
  return parsed.success ? (parsed.data as RegistrationResponseJSON) : undefined;
}

export function parseAuthentication(json: string): AuthenticationResponseJSON | undefined {
  const parsed = Authentication.safeParse(parseJson(json));
  return parsed.success ? (parsed.data as AuthenticationResponseJSON) : undefined;
}

function parseJson(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}
