import { useState } from 'react';
import { WarningList } from '../../components/warning-list';
import { useI18n } from '../../i18n/i18n';
import type { Termination } from './tenant-types';

/**
 * The handover after termination: the export lies in the server's backup folder, and its key is in this
 * answer only. The key stays on screen until the operator closes this; it is stored nowhere.
 */
export function TerminationResult({ result, warnings, onClose }: { result: Termination; warnings: string[]; onClose(): void }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState<'copied' | 'failed'>();
  const exported = result.export;
  // The clipboard is offered only to secure pages (https, localhost); elsewhere the key is copied by hand.
  const copy = async (key: string) => {
    try {
      await navigator.clipboard.writeText(key);
      setCopied('copied');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <section className="panel panel-wide" aria-labelledby="termination-result-title">
      <h2 id="termination-result-title">{t('tenants.terminated', { slug: result.tenant.slug })}</h2>
      <WarningList warnings={warnings} />
      {exported ? (
        <dl className="facts">
          <dt>{t('tenants.exportFile')}</dt>
          <dd>
            <code>{exported.file}</code>
            <p className="hint">{t('tenants.exportFileHint')}</p>
          </dd>
          <dt>{t('tenants.exportKey')}</dt>
          <dd>
            <code data-testid="export-key">{exported.key}</code>
            <p className="row-actions">
              <button type="button" className="btn btn-secondary" onClick={() => void copy(exported.key)}>
                {t('tenants.copyKey')}
              </button>
              <span role="status">{copied === 'copied' ? t('tenants.keyCopied') : copied === 'failed' ? t('tenants.copyFailed') : ''}</span>
            </p>
          </dd>
          <dt>{t('tenants.exportSha256')}</dt>
          <dd>
            <code>{exported.sha256}</code>
          </dd>
          <dt>{t('tenants.exportBytes')}</dt>
          <dd>{exported.bytes}</dd>
        </dl>
      ) : (
        <p>{t('tenants.noExport')}</p>
      )}
      <p>{result.key_destroyed ? t('tenants.keyDestroyed') : t('tenants.keyNotDestroyed')}</p>
      <button type="button" className="btn btn-primary" onClick={onClose}>
        {t('tenants.keyHandedOver')}
      </button>
    </section>
  );
}
