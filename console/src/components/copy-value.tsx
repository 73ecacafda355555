import { useId, useState } from 'react';
import { useI18n } from '../i18n/i18n';

/** A value the person hands to another system (a callback URL, a base URL): read-only, with a copy button. */
export function CopyValue({ label, value, hint }: { label: string; value: string; hint?: string }) {
  const { t } = useI18n();
  const id = useId();
  const [copied, setCopied] = useState<string>();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(t('secret.copied'));
    } catch {
      setCopied(t('copy.failed'));
    }
  };
  return (
    <div className="field copy-value">
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <div className="row-actions">
        <input id={id} className="secret-value" value={value} readOnly aria-describedby={hint ? `${id}-hint` : undefined} onFocus={(e) => e.target.select()} />
        <button type="button" className="btn btn-secondary" onClick={() => void copy()} aria-label={t('copy.label', { what: label })}>
          {t('secret.copy')}
        </button>
      </div>
      <p className="notice" role="status">
        {copied}
      </p>
    </div>
  );
}
