import { useState } from 'react';
import { unwrap } from '../../api/api-result';
import { useApiAction } from '../../api/use-api';
import { useConsole } from '../../app/console-context';
import { ProblemView } from '../../components/problem-view';
import { SelectField } from '../../components/select-field';
import { TextField } from '../../components/text-field';
import { LOCALES, useI18n, type Locale } from '../../i18n/i18n';
import { fieldMessage } from '../../components/field-message';
import { useGrantConfirmation } from '../people/grant-confirmation';
import { mayGrantAdminRoles, RolePicker } from '../people/role-picker';
import { DoorPicker } from './door-picker';
import type { Invitation } from './invitation-table';

const LANGUAGE_NAMES: Record<Locale, string> = { en: 'English', da: 'Dansk', de: 'Deutsch', sv: 'Svenska' };

/** Invites a person by email with roles and doors; the API queues the mail. Offering an admin role is confirmed first. */
export function InvitationCreateForm({ onCreated }: { onCreated(invitation: Invitation, warnings: string[]): void }) {
  const { t } = useI18n();
  const { api, where, person } = useConsole();
  const action = useApiAction();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [language, setLanguage] = useState('');
  const [roles, setRoles] = useState<string[]>([]);
  const [doors, setDoors] = useState<string[]>([]);
  const languages = [{ value: '', label: t('invitations.tenantLanguage') }, ...(Object.keys(LOCALES) as Locale[]).map((l) => ({ value: l, label: LANGUAGE_NAMES[l] }))];

  const invite = async () => {
    const body = { email, roles, door_permissions: doors.map((door_id) => ({ door_id })), ...(name.trim() ? { name } : {}), ...(language ? { locale: language as Locale } : {}) };
    const done = await action.run(() => unwrap(api.POST('/tenants/{tenant}/invitations', { params: { path: { tenant: where.slug } }, body })));
    if (!done) return;
    setEmail('');
    setName('');
    setRoles([]);
    setDoors([]);
    onCreated(done.data, done.warnings);
  };

  const { submit, dialog } = useGrantConfirmation(roles, [], invite);

  return (
    <form className="panel" onSubmit={submit} aria-labelledby="invitation-create-title">
      <h2 id="invitation-create-title">{t('invitations.create')}</h2>
      <ProblemView problem={action.problem} />
      <TextField label={t('people.email')} value={email} onChange={setEmail} required maxLength={320} error={fieldMessage(action.problem, 'email')} />
      <TextField label={`${t('people.name')} ${t('common.optional')}`} value={name} onChange={setName} maxLength={200} error={fieldMessage(action.problem, 'name')} />
      <SelectField label={t('invitations.language')} hint={t('invitations.languageHint')} value={language} onChange={setLanguage} options={languages} />
      <RolePicker value={roles} onChange={setRoles} mayGrantAdmin={mayGrantAdminRoles(person.roles)} />
      <DoorPicker value={doors} onChange={setDoors} />
      <button type="submit" className="btn btn-primary" disabled={action.busy}>
        {t('invitations.create')}
      </button>
      {dialog(email, t('invitations.create'), action.busy)}
    </form>
  );
}
