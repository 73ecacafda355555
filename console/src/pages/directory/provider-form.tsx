import { useState, type FormEvent } from 'react';
import type { ApiProblem } from '../../api/api-result';
import { unwrap } from '../../api/api-result';
import { useApiAction } from '../../api/use-api';
import { useConsole } from '../../app/console-context';
import { fieldMessage } from '../../components/field-message';
import { LinesField, nonEmptyLines } from '../../components/lines-field';
import { ProblemView } from '../../components/problem-view';
import { TextField } from '../../components/text-field';
import { useI18n } from '../../i18n/i18n';
import type { Provider, ProviderCreate } from './directory-types';
import { RoleRules } from './role-rules';
import { FormActions } from '../../components/form-actions';

const DEFAULT_SCOPES = 'openid email profile';
type LinkExisting = Provider['link_existing_users'];
const LINK_CHOICES: readonly LinkExisting[] = ['never', 'verified_email_in_domains'];

/**
 * Adds an upstream provider, or changes one (`editing`). The client secret is write-only: the API never answers
 * it, so on a change the field is empty and sent only when the person chose to replace the secret.
 */
export function ProviderForm({ editing, roles, onSaved, onCancel }: { editing?: Provider; roles: readonly string[]; onSaved(provider: Provider, created: boolean): void; onCancel?(): void }) {
  const { t } = useI18n();
  const { api, where } = useConsole();
  const action = useApiAction();
  const [name, setName] = useState(editing?.name ?? '');
  const [issuer, setIssuer] = useState(editing?.issuer ?? '');
  const [clientId, setClientId] = useState(editing?.client_id ?? '');
  const [secret, setSecret] = useState('');
  const [replaceSecret, setReplaceSecret] = useState(!editing);
  const [scopes, setScopes] = useState(editing?.scopes.join(' ') ?? DEFAULT_SCOPES);
  const [domains, setDomains] = useState<string[]>(editing?.email_domains ?? []);
  const [jit, setJit] = useState(editing?.jit_create ?? false);
  const [rules, setRules] = useState(editing?.role_mappings ?? []);
  const [linking, setLinking] = useState<LinkExisting>(editing?.link_existing_users ?? 'never');
  const [required, setRequired] = useState(editing?.require_for_domains ?? true);
  const error = (field: string) => fieldMessage(action.problem, field);
  const linkError = error('link_existing_users');
  const prefix = editing ? `provider-${editing.id}` : 'provider-new';
  const title = editing ? t('directory.editTitle', { name: editing.name }) : t('directory.add');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body: Omit<ProviderCreate, 'client_secret'> & { client_secret?: string } = {
      name,
      issuer: issuer.trim(),
      client_id: clientId.trim(),
      scopes: scopes.split(/\s+/).filter(Boolean),
      email_domains: nonEmptyLines(domains),
      jit_create: jit,
      role_mappings: rules.map((r) => ({ claim: r.claim.trim(), value: r.value.trim(), role: r.role })),
      link_existing_users: linking,
      require_for_domains: required,
      ...(replaceSecret ? { client_secret: secret } : {}),
    };
    const tenant = where.slug;
    const done = editing
      ? await action.run(() => unwrap(api.PATCH('/tenants/{tenant}/upstream-idps/{idpId}', { params: { path: { tenant, idpId: editing.id } }, body })))
      : await action.run(() => unwrap(api.POST('/tenants/{tenant}/upstream-idps', { params: { path: { tenant } }, body: { ...body, client_secret: secret } })));
    if (!done) return;
    setSecret('');
    if (!editing) {
      setName('');
      setIssuer('');
      setClientId('');
      setScopes(DEFAULT_SCOPES);
      setDomains([]);
      setJit(false);
      setRules([]);
      setLinking('never');
      setRequired(true);
    }
    onSaved(done.data, !editing);
  };

  return (
    <form className="panel panel-wide" onSubmit={(e) => void submit(e)} aria-labelledby={`${prefix}-title`}>
      <h2 id={`${prefix}-title`}>{title}</h2>
      <ProblemView problem={action.problem} />
      <TextField label={t('directory.name')} hint={t('directory.nameHint')} value={name} onChange={setName} required maxLength={100} error={error('name')} />
      <TextField label={t('directory.issuer')} hint={t('directory.issuerHint')} value={issuer} onChange={setIssuer} required maxLength={2048} error={error('issuer')} />
      <TextField label={t('directory.clientId')} value={clientId} onChange={setClientId} required maxLength={256} error={error('client_id')} />
      {replaceSecret ? (
        <TextField
          label={t('directory.clientSecret')}
          hint={editing ? t('directory.secretReplaceHint') : t('directory.secretHint')}
          type="password"
          autoComplete="new-password"
          value={secret}
          onChange={setSecret}
          required
          maxLength={1024}
          error={error('client_secret')}
        />
      ) : (
        <div className="field">
          <p className="hint">{t('directory.secretKept')}</p>
          <button type="button" className="btn btn-secondary" onClick={() => setReplaceSecret(true)}>
            {t('directory.replaceSecret')}
          </button>
        </div>
      )}
      <TextField label={t('directory.scopes')} hint={t('directory.scopesHint')} value={scopes} onChange={setScopes} maxLength={2000} error={error('scopes')} />
      <LinesField label={t('directory.domains')} hint={t('directory.domainsHint')} values={domains} onChange={setDomains} error={error('email_domains')} />
      <div className="field checkbox-field">
        <input id={`${prefix}-required`} type="checkbox" checked={required} onChange={(e) => setRequired(e.target.checked)} aria-describedby={`${prefix}-required-hint`} />
        <label htmlFor={`${prefix}-required`}>{t('directory.required')}</label>
      </div>
      <p id={`${prefix}-required-hint`} className="hint">
        {t('directory.requiredHint')}
      </p>
      <div className="field checkbox-field">
        <input id={`${prefix}-jit`} type="checkbox" checked={jit} onChange={(e) => setJit(e.target.checked)} aria-describedby={`${prefix}-jit-hint`} />
        <label htmlFor={`${prefix}-jit`}>{t('directory.jit')}</label>
      </div>
      <p id={`${prefix}-jit-hint`} className="hint">
        {t('directory.jitHint')}
      </p>
      <fieldset className="field choice-group" aria-describedby={[linkError && `${prefix}-link-error`, linking !== 'never' && `${prefix}-link-warning`].filter(Boolean).join(' ') || undefined}>
        <legend>{t('directory.linking')}</legend>
        {LINK_CHOICES.map((value) => (
          <label className="choice" key={value}>
            <input type="radio" name={`${prefix}-linking`} checked={linking === value} onChange={() => setLinking(value)} />
            <span>{t(`directory.linking.${value}`)}</span>
          </label>
        ))}
        {linkError && (
          <p className="field-error" id={`${prefix}-link-error`}>
            {linkError}
          </p>
        )}
      </fieldset>
      {linking !== 'never' && (
        <p className="alert alert-warning" id={`${prefix}-link-warning`}>
          {t('directory.linkWarning')}
        </p>
      )}
      <RoleRules rules={rules} roles={roles} onChange={setRules} error={(i) => ruleError(action.problem, i)} />
      <FormActions submitLabel={editing ? t('common.save') : t('directory.add')} busy={action.busy} onCancel={onCancel} />
    </form>
  );
}

/** The API's messages about one rule (`body.role_mappings.2.role`), or about the rules as a whole for index -1. */
function ruleError(problem: ApiProblem | undefined, index: number): string | undefined {
  const mine = (field: string) => {
    const parts = field.split('.');
    const at = parts.indexOf('role_mappings');
    if (at < 0) return false;
    const item = parts[at + 1];
    return index < 0 ? item === undefined : item === String(index);
  };
  const found = problem?.fields.filter((f) => f.field && mine(f.field));
  return found?.length ? found.map((f) => [f.field?.split('.').pop(), f.message].filter(Boolean).join(': ')).join('; ') : undefined;
}
