import { useId } from 'react';
import { useI18n } from '../../i18n/i18n';
import { INVITEE_LOCALES, type InviteeLocale } from './tenant-types';

/** The language an invited admin's mail and pages are in; empty leaves it to the tenant's first language. */
export function LocaleField({ value, onChange }: { value: InviteeLocale | ''; onChange(value: InviteeLocale | ''): void }) {
  const { t } = useI18n();
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{t('tenants.adminLocale')}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as InviteeLocale | '')}>
        <option value="">{t('tenants.adminLocaleDefault')}</option>
        {INVITEE_LOCALES.map((l) => (
          <option key={l} value={l}>
            {t(`tenants.locale.${l}`)}
          </option>
        ))}
      </select>
    </div>
  );
}
