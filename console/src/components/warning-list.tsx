import { useI18n } from '../i18n/i18n';

/**
 * Consequences the person should know of: before they decide (inside a ConfirmDialog) or after the API did
 * something (the `warnings` it returned). Announced politely to screen readers.
 */
export function WarningList({ warnings }: { warnings: readonly string[] }) {
  const { t } = useI18n();
  if (warnings.length === 0) return null;
  return (
    <div className="alert alert-warning" role="status">
      <p className="alert-title">{t('warnings.title')}</p>
      <ul>
        {warnings.map((w, i) => (
          <li key={i}>{w}</li>
        ))}
      </ul>
    </div>
  );
}

/** A short confirmation that something was done, announced to screen readers. */
export function Notice({ text }: { text: string | undefined }) {
  return (
    <p className="notice" role="status">
      {text}
    </p>
  );
}
