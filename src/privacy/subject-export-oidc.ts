import type { AdapterPayload } from 'oidc-provider';

interface OpenedEntry {
  kind: string;
  payload: AdapterPayload | undefined;
  expiresAt?: Date;
  device?: { browser?: string; os?: string };
}

const TOKEN_KINDS = ['AccessToken', 'RefreshToken', 'AuthorizationCode', 'BackchannelAuthenticationRequest', 'DeviceCode'];

const at = (seconds: number | undefined) => (seconds ? new Date(seconds * 1000).toISOString() : null);

/**
 * Sessions, grants and tokens as a person can read them: when, for which application, with what. An entry's id
 * is the token or session cookie itself, so neither ids nor payloads leave; only what they describe.
 */
export function exportOidcEntries(entries: OpenedEntry[]): Record<string, unknown[]> {
  const opened = entries.filter((e): e is OpenedEntry & { payload: AdapterPayload } => e.payload !== undefined);
  const of = (kind: string) => opened.filter((e) => e.kind === kind);
  return {
    sessions: of('Session').map(({ payload: p, expiresAt, device }) => ({
      signed_in_at: at(p.loginTs),
      device: device ? { browser: device.browser ?? null, os: device.os ?? null } : null,
      methods: p.amr ?? [],
      applications: Object.keys(p.authorizations ?? {}),
      expires_at: expiresAt?.toISOString() ?? null,
    })),
    grants: of('Grant').map(({ payload: p, expiresAt }) => ({
      application: p.clientId ?? null,
      scope: (p.openid as { scope?: string } | undefined)?.scope ?? null,
      resources: Object.fromEntries(Object.entries((p.resources as Record<string, string> | undefined) ?? {})),
      granted_at: at(p.iat),
      expires_at: expiresAt?.toISOString() ?? null,
    })),
    tokens: opened
      .filter((e) => TOKEN_KINDS.includes(e.kind))
      .map(({ kind, payload: p, expiresAt }) => ({
        kind,
        application: p.clientId ?? null,
        scope: p.scope ?? null,
        issued_at: at(p.iat),
        expires_at: expiresAt?.toISOString() ?? null,
      })),
  };
}
