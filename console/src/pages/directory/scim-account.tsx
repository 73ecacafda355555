import { useState, type FormEvent } from 'react';
import { unwrap } from '../../api/api-result';
import { useApiAction, useApiQuery } from '../../api/use-api';
import { useConsole } from '../../app/console-context';
import { fieldMessage } from '../../components/field-message';
import { OneTimeSecret } from '../../components/one-time-secret';
import { ProblemView } from '../../components/problem-view';
import { TextField } from '../../components/text-field';
import { WarningList } from '../../components/warning-list';
import { useI18n } from '../../i18n/i18n';
import type { AppCreate } from '../apps/app-types';

const SCIM_ROLE = 'scim_provisioner' as const;

/**
 * The directory's service account, as the README's SCIM section has an admin register it: an app with client
 * credentials holding scim_provisioner and nothing else. Its secret is answered once, at creation, and shown
 * that once with the token endpoint and resource the directory asks its bearer tokens of.
 */
export function ScimAccount() {
  const { t } = useI18n();
  const { api, where } = useConsole();
  const tenant = where.slug;
  const apps = useApiQuery(() => unwrap(api.GET('/tenants/{tenant}/clients', { params: { path: { tenant }, query: { limit: 200 } } })), [tenant]);
  const action = useApiAction();
  const [name, setName] = useState(t('directory.accountDefaultName'));
  const [created, setCreated] = useState<{ clientId: string; secret: string; warnings: string[] }>();
  const accounts = apps.data?.items.filter((a) => a.service_roles.includes(SCIM_ROLE)) ?? [];

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body: AppCreate = { client_name: name, grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_basic', redirect_uris: [], service_roles: [SCIM_ROLE] };
    const done = await action.run(() => unwrap(api.POST('/tenants/{tenant}/clients', { params: { path: { tenant } }, body })));
    if (!done?.data.client_secret) return;
    setCreated({ clientId: done.data.client_id, secret: done.data.client_secret, warnings: done.warnings });
    apps.reload();
  };

  return (
    <div className="panel panel-wide">
      <h3>{t('directory.accountTitle')}</h3>
      <p>{t('directory.accountIntro')}</p>
      {accounts.length > 0 && (
        <>
          <p>{t('directory.accountsExisting')}</p>
          <ul className="plain-list">
            {accounts.map((a) => (
              <li key={a.client_id}>
                {a.client_name ?? a.client_id} (<code>{a.client_id}</code>)
              </li>
            ))}
          </ul>
        </>
      )}
      <ProblemView problem={apps.problem} />
      {created ? (
        <>
          <WarningList warnings={created.warnings} />
          <dl className="credential-list">
            <dt>{t('directory.tokenEndpoint')}</dt>
            <dd>
              <code>{`${where.issuer}/token`}</code>
            </dd>
            <dt>{t('directory.resource')}</dt>
            <dd>
              <code>{where.adminAudience}</code>
            </dd>
            <dt>{t('apps.clientId')}</dt>
            <dd>
              <code data-testid="scim-client-id">{created.clientId}</code>
            </dd>
          </dl>
          <OneTimeSecret title={t('directory.secretTitle', { name })} secret={created.secret} onDone={() => setCreated(undefined)} />
        </>
      ) : (
        <form onSubmit={(e) => void submit(e)} aria-label={t('directory.accountCreate')}>
          <ProblemView problem={action.problem} />
          <TextField label={t('directory.accountName')} value={name} onChange={setName} required maxLength={200} error={fieldMessage(action.problem, 'client_name')} />
          <button type="submit" className="btn btn-primary" disabled={action.busy}>
            {t('directory.accountCreate')}
          </button>
        </form>
      )}
    </div>
  );
}
