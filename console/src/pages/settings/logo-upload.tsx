import { useId, useState, type FormEvent } from 'react';
import { unwrap } from '../../api/api-result';
import { useApiAction } from '../../api/use-api';
import { useConsole } from '../../app/console-context';
import { FieldFrame } from '../../components/field-frame';
import { fieldMessage } from '../../components/field-message';
import { ProblemView } from '../../components/problem-view';
import { useI18n } from '../../i18n/i18n';
import type { SettingsView } from './settings-form';

type ContentType = 'image/png' | 'image/jpeg' | 'image/webp';
const TYPES: readonly string[] = ['image/png', 'image/jpeg', 'image/webp'];
/** The API's limit (LOGO_MAX_BYTES), shown to the person; the API checks it and the bytes' real type. */
const MAX_KIB = 256;

/** A file as the API takes it: base64 in JSON, read as a data: URL (which the CSP allows for the preview). */
function readFile(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('unreadable file'));
    reader.readAsDataURL(file);
  });
}

/** The sign-in pages' logo: shown, replaced by an upload, or removed. */
export function LogoUpload({ logo, onChanged }: { logo: SettingsView['branding']['logo']; onChanged(view?: SettingsView): void }) {
  const { t } = useI18n();
  const { api, where } = useConsole();
  const action = useApiAction();
  const id = useId();
  const [file, setFile] = useState<File>();
  const path = { tenant: where.slug };

  const upload = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    const dataUrl = await readFile(file);
    // The browser's idea of the type, whatever it is: the API names the types it takes and checks the bytes.
    const body = { content_type: file.type as ContentType, data: dataUrl.slice(dataUrl.indexOf(',') + 1) };
    const done = await action.run(() => unwrap(api.PUT('/tenants/{tenant}/settings/logo', { params: { path }, body })));
    if (done) onChanged(done.data);
  };
  const remove = async () => {
    if (await action.run(() => unwrap(api.DELETE('/tenants/{tenant}/settings/logo', { params: { path } })))) onChanged();
  };
  const error = fieldMessage(action.problem, 'data') ?? fieldMessage(action.problem, 'content_type');

  return (
    <form className="panel settings-group" onSubmit={(e) => void upload(e)} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('settings.logo')}</h2>
      {logo ? <img className="logo-preview" src={logo.url} alt={t('settings.logoCurrent')} /> : <p>{t('settings.noLogo')}</p>}
      <ProblemView problem={action.problem} />
      <FieldFrame label={t('settings.logoFile')} hint={t('settings.logoLimits', { max: MAX_KIB })} error={error}>
        {(control) => <input {...control} type="file" accept={TYPES.join(',')} onChange={(e) => setFile(e.target.files?.[0])} />}
      </FieldFrame>
      <div className="row-actions">
        <button type="submit" className="btn btn-primary" disabled={!file || action.busy}>
          {t('settings.logoUpload')}
        </button>
        {logo && (
          <button type="button" className="btn btn-secondary" onClick={() => void remove()} disabled={action.busy}>
            {t('settings.logoRemove')}
          </button>
        )}
      </div>
    </form>
  );
}
