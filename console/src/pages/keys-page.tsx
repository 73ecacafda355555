import '../styles/config-pages.css';
import { useState } from 'react';
import { unwrap } from '../api/api-result';
import { useApiAction, useApiQuery } from '../api/use-api';
import { useConsole } from '../app/console-context';
import { ConfirmDialog } from '../components/confirm-dialog';
import { ProblemView } from '../components/problem-view';
import { Notice, WarningList } from '../components/warning-list';
import { useI18n } from '../i18n/i18n';
import { KeyTable } from './keys/key-table';

/**
 * The tenant's signing keys (src/admin-api/routes/keys.routes.ts): what is published and when, and rotation.
 * Rotating signs with the next key from now on; the old one stays published while its tokens live.
 */
export function KeysPage() {
  const { t } = useI18n();
  const { api, where } = useConsole();
  const tenant = where.slug;
  const keys = useApiQuery(() => unwrap(api.GET('/tenants/{tenant}/keys', { params: { path: { tenant } } })), [tenant]);
  const rotation = useApiAction();
  const [confirming, setConfirming] = useState(false);
  const [notice, setNotice] = useState<string>();

  const rotate = async () => {
    const done = await rotation.run(() => unwrap(api.POST('/tenants/{tenant}/keys/rotate', { params: { path: { tenant } } })));
    if (!done) return;
    setConfirming(false);
    setNotice(t('keys.rotated'));
    keys.reload();
  };

  return (
    <>
      <h1>{t('keys.title')}</h1>
      <p className="intro">{t('keys.intro')}</p>
      <Notice text={notice} />
      <WarningList warnings={rotation.warnings} />
      <p>
        <button type="button" className="btn btn-primary" onClick={() => (setNotice(undefined), setConfirming(true))}>
          {t('keys.rotate')}
        </button>
      </p>
      <ProblemView problem={keys.problem} />
      {keys.loading && !keys.data && <p>{t('app.loading')}</p>}
      {keys.data && <KeyTable keys={keys.data.items} />}
      {confirming && (
        <ConfirmDialog
          title={t('keys.rotateTitle')}
          consequences={[t('keys.rotateConsequence')]}
          confirmLabel={t('keys.rotate')}
          busy={rotation.busy}
          onConfirm={() => void rotate()}
          onCancel={() => (setConfirming(false), rotation.clear())}
          problem={rotation.problem}
        />
      )}
    </>
  );
}
