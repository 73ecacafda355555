import { useEffect, useState, type FormEvent } from 'react';
import { unwrap } from '../../api/api-result';
import { useApiAction, useApiQuery } from '../../api/use-api';
import { useConsole } from '../../app/console-context';
import { CopyValue } from '../../components/copy-value';
import { FormActions } from '../../components/form-actions';
import { ProblemView } from '../../components/problem-view';
import { Notice, WarningList } from '../../components/warning-list';
import { useI18n } from '../../i18n/i18n';
import { scimBaseUrl } from './directory-types';
import { ScimAccount } from './scim-account';

type Deprovisioning = 'deactivate' | 'erase';

/**
 * SCIM provisioning (README "SCIM provisioning"): the base URL the company directory is given, what its DELETE
 * of a user does, and the service account whose client credentials it gets its tokens with.
 */
export function ScimSection() {
  const { t } = useI18n();
  const { api, where } = useConsole();
  const path = { tenant: where.slug };
  const settings = useApiQuery(() => unwrap(api.GET('/tenants/{tenant}/settings', { params: { path } })), [where.slug]);
  const save = useApiAction();
  const [choice, setChoice] = useState<Deprovisioning>('deactivate');
  const [notice, setNotice] = useState<string>();
  const current = settings.data?.scim_deprovisioning;
  useEffect(() => current && setChoice(current), [current]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setNotice(undefined);
    if (choice === current) return setNotice(t('settings.unchanged'));
    const done = await save.run(() => unwrap(api.PATCH('/tenants/{tenant}/settings', { params: { path }, body: { scim_deprovisioning: choice } })));
    if (!done) return;
    setNotice(t('common.saved'));
    settings.reload();
  };

  return (
    <section aria-labelledby="scim-title">
      <h2 id="scim-title">{t('directory.scimTitle')}</h2>
      <p className="intro">{t('directory.scimIntro')}</p>
      <CopyValue label={t('directory.scimBase')} hint={t('directory.scimBaseHint')} value={scimBaseUrl(window.location.origin, where.slug)} />
      <ProblemView problem={settings.problem} />
      {settings.data && (
        <form className="panel panel-wide" onSubmit={(e) => void submit(e)} aria-labelledby="deprovisioning-title">
          <h3 id="deprovisioning-title">{t('directory.deprovisioning')}</h3>
          <fieldset className="field choice-group" aria-describedby={choice === 'erase' ? 'deprovisioning-erase-warning' : undefined}>
            <legend>{t('directory.deprovisioningLegend')}</legend>
            {(['deactivate', 'erase'] as const).map((value) => (
              <label className="choice" key={value}>
                <input type="radio" name="scim-deprovisioning" checked={choice === value} onChange={() => setChoice(value)} />
                <span>{t(`directory.deprovisioning.${value}`)}</span>
              </label>
            ))}
          </fieldset>
          {choice === 'erase' && (
            <p className="alert alert-warning" id="deprovisioning-erase-warning">
              {t('directory.eraseWarning')}
            </p>
          )}
          <ProblemView problem={save.problem} />
          <WarningList warnings={save.warnings} />
          <Notice text={notice} />
          <FormActions submitLabel={t('common.save')} busy={save.busy} />
        </form>
      )}
      <ScimAccount />
    </section>
  );
}
