/** The authenticated caller of the admin API: one individual identity, with the roles it holds now. */
export interface Principal {
  kind: 'user' | 'service';
  /** A user's subject id or a service account's client id. */
  id: string;
  tenantId: string;
  tenantSlug: string;
  roles: string[];
  /** A member of the platform tenant holding `platform_operator`. */
  operator: boolean;
}

export const PLATFORM_TENANT = 'platform';
export const OPERATOR_ROLE = 'platform_operator';
