import { useState, type FormEvent } from 'react';
import { unwrap } from '../../api/api-result';
import { useApiAction } from '../../api/use-api';
import { useConsole } from '../../app/console-context';
import { CheckboxGroup } from '../../components/checkbox-group';
import { fieldMessage } from '../../components/field-message';
import { ProblemView } from '../../components/problem-view';
import { TextField } from '../../components/text-field';
import { useI18n } from '../../i18n/i18n';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from './webhook-types';

/** What a new subscription answers: its URL, its secret (given this once) and what the API warned about. */
export interface Subscribed {
  url: string;
  secret: string;
  warnings: readonly string[];
}

/**
 * Subscribes an https URL to event types. Asking for names and email addresses in the events is said to make
 * the receiver a recipient of personal data, before and (in the API's warning) after subscribing.
 */
export function WebhookCreateForm({ tenant, onCreated }: { tenant: string; onCreated(subscribed: Subscribed): void }) {
  const { t } = useI18n();
  const { api } = useConsole();
  const action = useApiAction();
  const [url, setUrl] = useState('');
  const [types, setTypes] = useState<WebhookEventType[]>([]);
  const [personal, setPersonal] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body = { url, event_types: types, include_personal_data: personal };
    const done = await action.run(() => unwrap(api.POST('/tenants/{tenant}/webhooks', { params: { path: { tenant } }, body })));
    if (!done) return;
    setUrl('');
    setTypes([]);
    setPersonal(false);
    onCreated({ url: done.data.url, secret: done.data.secret, warnings: done.warnings });
  };

  return (
    <form className="panel panel-wide" onSubmit={(e) => void submit(e)} aria-labelledby="webhook-create-title">
      <h2 id="webhook-create-title">{t('webhooks.create')}</h2>
      <ProblemView problem={action.problem} />
      <TextField label={t('webhooks.url')} hint={t('webhooks.urlHint')} value={url} onChange={setUrl} required maxLength={2048} error={fieldMessage(action.problem, 'url')} />
      <CheckboxGroup
        legend={t('webhooks.eventTypes')}
        options={WEBHOOK_EVENT_TYPES.map((type) => ({ value: type, label: <code>{type}</code> }))}
        selected={types}
        onChange={setTypes}
        error={fieldMessage(action.problem, 'event_types')}
      />
      <div className="field checkbox-field">
        <input id="webhook-personal" type="checkbox" checked={personal} onChange={(e) => setPersonal(e.target.checked)} aria-describedby="webhook-personal-hint" />
        <label htmlFor="webhook-personal">{t('webhooks.personal')}</label>
      </div>
      <p id="webhook-personal-hint" className={personal ? 'alert alert-warning' : 'hint'}>
        {t('webhooks.personalHint')}
      </p>
      <button type="submit" className="btn btn-primary" disabled={action.busy}>
        {t('webhooks.create')}
      </button>
    </form>
  );
}
