import { DEFAULT_INVITATION_RETENTION_DAYS } from '../privacy/invitation-retention.js';
import { DEFAULT_MAX_FAILED_LOGINS } from '../security/login-lockout.js';
import type { Migration } from './migration.js';

/** Settings added after the first tenants were made, with the value every reader assumed while they were absent. */
const ADDED_SETTINGS: Record<string, unknown> = {
  'settings.invitationRetentionDays': DEFAULT_INVITATION_RETENTION_DAYS,
  'settings.maxFailedLogins': DEFAULT_MAX_FAILED_LOGINS,
  'settings.mfa.requiredForRoles': [],
};

/**
 * Tenants made before invitation retention, the per-tenant lockout threshold and required second factors
 * lack those settings, and every reader filled in the default. Here each absent one is stored with that
 * default, one setting at a time, only where it is absent: a value an admin chose meanwhile is never
 * overwritten, and a rerun finds nothing. Tenant settings are no personal data, so no change-log entry;
 * configVersion is not bumped, as no provider changes.
 */
export const tenantSettingsDefaults: Migration = {
  id: 4,
  name: 'tenant-settings-defaults',
  summary: 'stores the defaults of settings that tenants made before those settings existed lack',
  // The previous release reads an absent setting as exactly this default.
  safeWithOldProcesses: true,
  async up({ models, progress }) {
    const tenants = models.tenants.collection;
    let done = 0;
    for (const [path, value] of Object.entries(ADDED_SETTINGS)) {
      const { modifiedCount } = await tenants.updateMany({ [path]: { $exists: false } }, { $set: { [path]: value } });
      await progress((done += modifiedCount));
    }
  },
  // Stored defaults read the same as absent ones to every release.
  async down() {},
};
