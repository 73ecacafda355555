import { useState, type FormEvent } from 'react';
import { unwrap } from '../../api/api-result';
import { useApiAction } from '../../api/use-api';
import { useConsole } from '../../app/console-context';
import { CheckboxGroup } from '../../components/checkbox-group';
import { fieldMessage } from '../../components/field-message';
import { LinesField, nonEmptyLines } from '../../components/lines-field';
import { ProblemView } from '../../components/problem-view';
import { TextField } from '../../components/text-field';
import { useI18n } from '../../i18n/i18n';
import { GRANT_TYPES, SCOPES, SERVICE_ROLES, type AppCreate, type GrantType, type Scope, type ServiceRole } from './app-types';

export interface CreatedApp {
  name: string;
  secret?: string;
  warnings: string[];
}

/** Registers an app. The API checks every rule (redirect URIs, which grants fit a public app); this only asks. */
export function AppCreateForm({ tenant, onCreated }: { tenant: string; onCreated(app: CreatedApp): void }) {
  const { t } = useI18n();
  const { api } = useConsole();
  const action = useApiAction();
  const [name, setName] = useState('');
  const [isPublic, setPublic] = useState(false);
  const [redirects, setRedirects] = useState<string[]>([]);
  const [logoutRedirects, setLogoutRedirects] = useState<string[]>([]);
  const [grants, setGrants] = useState<GrantType[]>(['authorization_code']);
  const [scopes, setScopes] = useState<Scope[]>(['openid', 'profile', 'email']);
  const [serviceRoles, setServiceRoles] = useState<ServiceRole[]>([]);
  const isService = grants.includes('client_credentials');
  const error = (field: string) => fieldMessage(action.problem, field);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body: AppCreate = {
      client_name: name,
      token_endpoint_auth_method: isPublic ? 'none' : 'client_secret_basic',
      redirect_uris: nonEmptyLines(redirects),
      post_logout_redirect_uris: nonEmptyLines(logoutRedirects),
      grant_types: grants,
      ...(scopes.length ? { scope: scopes.join(' ') } : {}),
      ...(isService && serviceRoles.length ? { service_roles: serviceRoles } : {}),
    };
    const done = await action.run(() => unwrap(api.POST('/tenants/{tenant}/clients', { params: { path: { tenant } }, body })));
    if (!done) return;
    setName('');
    setRedirects([]);
    setLogoutRedirects([]);
    setServiceRoles([]);
    onCreated({ name: done.data.client_name ?? done.data.client_id, secret: done.data.client_secret, warnings: done.warnings });
  };

  return (
    <form className="panel" onSubmit={(e) => void submit(e)} aria-labelledby="app-create-title">
      <h2 id="app-create-title">{t('apps.create')}</h2>
      <ProblemView problem={action.problem} />
      <TextField label={t('apps.name')} value={name} onChange={setName} required maxLength={200} error={error('client_name')} />
      <fieldset className="field choice-group">
        <legend>{t('apps.type')}</legend>
        <label className="choice">
          <input type="radio" name="app-type" checked={!isPublic} onChange={() => setPublic(false)} />
          <span>{t('apps.confidential')}</span>
        </label>
        <label className="choice">
          <input type="radio" name="app-type" checked={isPublic} onChange={() => setPublic(true)} />
          <span>{t('apps.public')}</span>
        </label>
      </fieldset>
      <LinesField label={t('apps.redirectUris')} hint={t('apps.redirectHint')} values={redirects} onChange={setRedirects} error={error('redirect_uris')} />
      <LinesField label={t('apps.postLogoutUris')} hint={t('apps.redirectHint')} values={logoutRedirects} onChange={setLogoutRedirects} error={error('post_logout_redirect_uris')} />
      <CheckboxGroup
        legend={t('apps.grantTypes')}
        options={GRANT_TYPES.map((g) => ({ value: g, label: t(`apps.grant.${g}`) }))}
        selected={grants}
        onChange={setGrants}
        error={error('grant_types')}
      />
      {isService && (
        <CheckboxGroup
          legend={t('apps.serviceRoles')}
          options={SERVICE_ROLES.map((r) => ({ value: r, label: <code>{r}</code> }))}
          selected={serviceRoles}
          onChange={setServiceRoles}
          error={error('service_roles')}
          note={<p className="hint">{t('apps.serviceRolesHint')}</p>}
        />
      )}
      <CheckboxGroup legend={t('apps.scopes')} options={SCOPES.map((s) => ({ value: s, label: s }))} selected={scopes} onChange={setScopes} error={error('scope')} />
      <button type="submit" className="btn btn-primary" disabled={action.busy}>
        {t('apps.create')}
      </button>
    </form>
  );
}
