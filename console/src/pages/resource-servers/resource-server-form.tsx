import { useState, type FormEvent } from 'react';
import type { paths } from '../../api/schema';
import { unwrap } from '../../api/api-result';
import { useApiAction } from '../../api/use-api';
import { useConsole } from '../../app/console-context';
import { CheckboxGroup } from '../../components/checkbox-group';
import { fieldMessage } from '../../components/field-message';
import { LinesField, nonEmptyLines } from '../../components/lines-field';
import { NumberField, numberOf } from '../../components/number-field';
import { ProblemView } from '../../components/problem-view';
import { TextField } from '../../components/text-field';
import { useI18n } from '../../i18n/i18n';
import { FormActions } from '../../components/form-actions';

type Resources = paths['/tenants/{tenant}/resource-servers'];
/** A resource server as the API lists it. */
export type ResourceServer = Resources['get']['responses'][200]['content']['application/json']['items'][number];
type Claim = ResourceServer['claims'][number];
const CLAIMS: readonly Claim[] = ['roles', 'door_permissions'];
/** The API's default lifetime of a resource's access tokens (RESOURCE_ACCESS_TOKEN_TTL), in seconds. */
const DEFAULT_TTL = 600;

/**
 * Registers a resource server, or changes one (`editing`): its identifier is fixed once registered. The API
 * checks every field and its refusals are shown at the field.
 */
export function ResourceServerForm({ editing, onSaved, onCancel }: { editing?: ResourceServer; onSaved(saved: ResourceServer): void; onCancel?(): void }) {
  const { t } = useI18n();
  const { api, where } = useConsole();
  const action = useApiAction();
  const [identifier, setIdentifier] = useState(editing?.identifier ?? '');
  const [name, setName] = useState(editing?.name ?? '');
  const [scopes, setScopes] = useState<string[]>(editing?.scopes ?? []);
  const [ttl, setTtl] = useState(String(editing?.access_token_ttl ?? DEFAULT_TTL));
  const [claims, setClaims] = useState<Claim[]>(editing?.claims ?? []);
  const error = (field: string) => fieldMessage(action.problem, field);
  const tenant = where.slug;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const fields = { name, scopes: nonEmptyLines(scopes), access_token_ttl: numberOf(ttl), claims };
    const done = editing
      ? await action.run(() => unwrap(api.PATCH('/tenants/{tenant}/resource-servers/{resourceId}', { params: { path: { tenant, resourceId: editing.id } }, body: fields })))
      : await action.run(() => unwrap(api.POST('/tenants/{tenant}/resource-servers', { params: { path: { tenant } }, body: { identifier, ...fields } })));
    if (!done) return;
    if (!editing) [setIdentifier, setName].forEach((set) => set(''));
    if (!editing) setScopes([]);
    onSaved(done.data);
  };

  const title = editing ? t('resources.editTitle', { name: editing.name }) : t('resources.create');
  return (
    <form className="panel" onSubmit={(e) => void submit(e)} aria-labelledby="resource-form-title">
      <h2 id="resource-form-title">{title}</h2>
      <ProblemView problem={action.problem} />
      {editing ? (
        <p>
          {t('resources.identifier')}: <code>{editing.identifier}</code>
        </p>
      ) : (
        <TextField label={t('resources.identifier')} hint={t('resources.identifierHint')} value={identifier} onChange={setIdentifier} required maxLength={500} error={error('identifier')} />
      )}
      <TextField label={t('resources.name')} value={name} onChange={setName} required maxLength={200} error={error('name')} />
      <LinesField label={t('resources.scopes')} hint={t('resources.scopesHint')} values={scopes} onChange={setScopes} error={error('scopes')} />
      <NumberField label={t('resources.ttl')} hint={t('resources.ttlHint')} value={ttl} onChange={setTtl} min={60} max={86_400} error={error('access_token_ttl')} />
      <CheckboxGroup legend={t('resources.claims')} options={CLAIMS.map((c) => ({ value: c, label: t(`resources.claim.${c}`) }))} selected={claims} onChange={setClaims} error={error('claims')} />
      <FormActions submitLabel={editing ? t('common.save') : t('resources.create')} busy={action.busy} onCancel={onCancel} />
    </form>
  );
}
