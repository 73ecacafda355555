import { createContext, useContext } from 'react';
import type { ConsoleApi } from '../api/api-client';
import type { Person } from '../auth/auth';
import type { TenantLocation } from './tenant-location';

/** What every page may use: where the console runs, who is signed in, and the admin API as them. */
export interface ConsoleContextValue {
  where: TenantLocation;
  person: Person;
  /** The tenant's display name, from the API when the person may read it, else its slug. */
  tenantName: string;
  api: ConsoleApi;
  signOut(): void;
}

export const ConsoleContext = createContext<ConsoleContextValue | null>(null);

export function useConsole(): ConsoleContextValue {
  const value = useContext(ConsoleContext);
  if (!value) throw new Error('useConsole() outside the signed-in console');
  return value;
}
