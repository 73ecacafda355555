import { useId, useState } from 'react';
import { useI18n } from '../i18n/i18n';

/**
 * A secret the API gives once (a new client's, a rotated one, a webhook's signing secret, named by `label`): shown read-only with a copy button and the
 * warning that it will not be shown again, until the person says they have stored it.
 */
export function OneTimeSecret({ title, secret, label, onDone }: { title: string; secret: string; label?: string; onDone(): void }) {
  const { t } = useI18n();
  const id = useId();
  const [copied, setCopied] = useState<string>();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(t('secret.copied'));
    } catch {
      setCopied(t('secret.copyFailed'));
    }
  };
  return (
    <section className="panel secret-panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      <p className="alert alert-warning" id={`${id}-warning`}>
        {t('secret.warning')}
      </p>
      <div className="field">
        <label htmlFor={id}>{label ?? t('secret.label')}</label>
        <input id={id} className="secret-value" value={secret} readOnly aria-describedby={`${id}-warning`} onFocus={(e) => e.target.select()} />
      </div>
      <p className="notice" role="status">
        {copied}
      </p>
      <div className="row-actions">
        <button type="button" className="btn btn-primary" onClick={() => void copy()}>
          {t('secret.copy')}
        </button>
        <button type="button" className="btn btn-secondary" onClick={onDone}>
          {t('secret.done')}
        </button>
      </div>
    </section>
  );
}
