import { TextField } from '../../components/text-field';
import { useI18n } from '../../i18n/i18n';
import { LocaleField } from './locale-field';
import type { InviteeLocale } from './tenant-types';

/** A person an operator invites as a tenant's admin: all the operator hands over of them. */
export interface Invitee {
  email: string;
  name: string;
  locale: InviteeLocale | '';
}

export const emptyInvitee = (): Invitee => ({ email: '', name: '', locale: '' });

/** The body the API takes for an invitee: empty optional fields are left out. */
export function inviteeBody(i: Invitee) {
  return { email: i.email.trim(), ...(i.name.trim() ? { name: i.name.trim() } : {}), ...(i.locale ? { locale: i.locale } : {}) };
}

interface Props {
  invitee: Invitee;
  onChange(invitee: Invitee): void;
  /** The API's message about a field of this invitee, by the field's name. */
  error?(field: 'email' | 'name' | 'locale'): string | undefined;
}

export function AdminInviteeFields({ invitee, onChange, error }: Props) {
  const { t } = useI18n();
  return (
    <>
      <TextField label={t('tenants.adminEmail')} value={invitee.email} onChange={(email) => onChange({ ...invitee, email })} required maxLength={320} error={error?.('email')} />
      <TextField label={`${t('tenants.adminName')} ${t('common.optional')}`} value={invitee.name} onChange={(name) => onChange({ ...invitee, name })} maxLength={200} error={error?.('name')} />
      <LocaleField value={invitee.locale} onChange={(locale) => onChange({ ...invitee, locale })} />
    </>
  );
}
