import '../styles/config-pages.css';
import { useEffect, useState, type FormEvent } from 'react';
import { unwrap } from '../api/api-result';
import { useApiAction, useApiQuery } from '../api/use-api';
import { useConsole } from '../app/console-context';
import { ConfirmDialog } from '../components/confirm-dialog';
import { FormActions } from '../components/form-actions';
import { ProblemView } from '../components/problem-view';
import { Notice, WarningList } from '../components/warning-list';
import { useI18n } from '../i18n/i18n';
import { LogoUpload } from './settings/logo-upload';
import { SettingsFields } from './settings/settings-fields';
import { formOf, patchOf, shortenedRetention, type SettingsForm, type SettingsPatch } from './settings/settings-form';

/**
 * The tenant's settings (src/admin-api/routes/tenant-settings.routes.ts) in one form. Saving sends only what
 * changed; when that shortens a retention period the person confirms first, and the API's warnings follow.
 */
export function SettingsPage() {
  const { t } = useI18n();
  const { api, where } = useConsole();
  const path = { tenant: where.slug };
  const settings = useApiQuery(() => unwrap(api.GET('/tenants/{tenant}/settings', { params: { path } })), [where.slug]);
  const save = useApiAction();
  const [form, setForm] = useState<SettingsForm>();
  const [confirming, setConfirming] = useState<SettingsPatch>();
  const [notice, setNotice] = useState<string>();
  const view = settings.data;
  useEffect(() => setForm(view && formOf(view)), [view]);

  const send = async (patch: SettingsPatch) => {
    setConfirming(undefined);
    const done = await save.run(() => unwrap(api.PATCH('/tenants/{tenant}/settings', { params: { path }, body: patch })));
    if (!done) return;
    setNotice(t('common.saved'));
    settings.reload();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!form || !view) return;
    setNotice(undefined);
    const patch = patchOf(form, view);
    if (Object.keys(patch).length === 0) return setNotice(t('settings.unchanged'));
    if (shortenedRetention(patch, view).length > 0) return setConfirming(patch);
    void send(patch);
  };

  return (
    <>
      <h1>{t('settings.title')}</h1>
      <p className="intro">{t('settings.intro')}</p>
      <ProblemView problem={settings.problem} />
      {!form && settings.loading && <p>{t('app.loading')}</p>}
      {view && <LogoUpload logo={view.branding.logo} onChanged={() => settings.reload()} />}
      {form && (
        <form onSubmit={submit} aria-label={t('settings.title')} noValidate>
          <SettingsFields form={form} set={(change) => setForm({ ...form, ...change })} problem={save.problem} />
          <ProblemView problem={save.problem} />
          <WarningList warnings={save.warnings} />
          <Notice text={notice} />
          <FormActions submitLabel={t('common.save')} busy={save.busy} />
        </form>
      )}
      {confirming && view && (
        <ConfirmDialog
          title={t('settings.shorterTitle')}
          consequences={shortenedRetention(confirming, view).map((s) => t(`settings.shorter.${s.field}`, { before: s.before, after: s.after }))}
          confirmLabel={t('settings.shorterConfirm')}
          danger
          onConfirm={() => void send(confirming)}
          onCancel={() => setConfirming(undefined)}
        />
      )}
    </>
  );
}
