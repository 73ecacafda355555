import { useState, type FormEvent } from 'react';
import { unwrap } from '../../api/api-result';
import { useApiAction } from '../../api/use-api';
import { useConsole } from '../../app/console-context';
import { ProblemView } from '../../components/problem-view';
import { TextField } from '../../components/text-field';
import { WarningList } from '../../components/warning-list';
import { useI18n } from '../../i18n/i18n';
import { AdminInviteeFields, emptyInvitee, inviteeBody, type Invitee } from './admin-invitee-fields';
import { MAX_FIRST_ADMINS } from './tenant-types';

export interface CreatedTenant {
  slug: string;
  invitations: number;
  /** Until when the invitations can be accepted. */
  expiresAt: string;
  warnings: string[];
}

/**
 * Creates a tenant with its first admins, each invited by mail: operators cannot administer a tenant, so
 * without them nobody could. What making someone an admin means is said before the operator sends.
 */
export function TenantCreateForm({ onCreated }: { onCreated(created: CreatedTenant): void }) {
  const { t } = useI18n();
  const { api } = useConsole();
  const action = useApiAction();
  const [slug, setSlug] = useState('');
  const [name, setName] = useState('');
  const [admins, setAdmins] = useState<Invitee[]>([emptyInvitee()]);
  const fieldError = (field: string) => action.problem?.fields.find((f) => f.field?.endsWith(field))?.message;
  const adminError = (i: number) => (field: string) => fieldError(`admins.${i}.${field}`);
  const replace = (i: number, invitee: Invitee) => setAdmins(admins.map((a, j) => (j === i ? invitee : a)));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body = { slug, name, admins: admins.map(inviteeBody) };
    const done = await action.run(() => unwrap(api.POST('/tenants', { body })));
    if (!done) return;
    setSlug('');
    setName('');
    setAdmins([emptyInvitee()]);
    const { invitations } = done.data;
    onCreated({ slug: done.data.slug, invitations: invitations.length, expiresAt: invitations[0]?.expires_at ?? '', warnings: done.warnings });
  };

  return (
    <form className="panel" onSubmit={(e) => void submit(e)} aria-labelledby="tenant-create-title">
      <h2 id="tenant-create-title">{t('tenants.create')}</h2>
      <ProblemView problem={action.problem} />
      <TextField label={t('tenants.slug')} hint={t('tenants.slugHint')} value={slug} onChange={setSlug} required maxLength={63} error={fieldError('slug')} />
      <TextField label={t('tenants.name')} value={name} onChange={setName} required maxLength={200} error={fieldError('name')} />
      <p className="hint">{t('tenants.adminsIntro')}</p>
      {admins.map((invitee, i) => (
        <fieldset key={i} className="fieldset">
          <legend>{t('tenants.adminNumber', { n: i + 1 })}</legend>
          <AdminInviteeFields invitee={invitee} onChange={(v) => replace(i, v)} error={adminError(i)} />
          {admins.length > 1 && (
            <button type="button" className="btn btn-secondary" onClick={() => setAdmins(admins.filter((_, j) => j !== i))}>
              {t('tenants.removeAdmin', { n: i + 1 })}
            </button>
          )}
        </fieldset>
      ))}
      {admins.length < MAX_FIRST_ADMINS && (
        <p>
          <button type="button" className="btn btn-secondary" onClick={() => setAdmins([...admins, emptyInvitee()])}>
            {t('tenants.addAdmin')}
          </button>
        </p>
      )}
      <WarningList warnings={[t('tenants.adminConsequence')]} />
      <button type="submit" className="btn btn-primary" disabled={action.busy}>
        {t('tenants.create')}
      </button>
    </form>
  );
}
