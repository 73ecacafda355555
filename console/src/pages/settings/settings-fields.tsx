import type { ApiProblem } from '../../api/api-result';
import { CheckboxGroup } from '../../components/checkbox-group';
import { FieldFrame } from '../../components/field-frame';
import { fieldMessage } from '../../components/field-message';
import { LinesField } from '../../components/lines-field';
import { NumberField } from '../../components/number-field';
import { TextField } from '../../components/text-field';
import { useI18n } from '../../i18n/i18n';
import { LOCALES, type Locale, type NumberFieldName, type SettingsForm } from './settings-form';

interface FieldsProps {
  form: SettingsForm;
  set(change: Partial<SettingsForm>): void;
  problem: ApiProblem | undefined;
}

/** The settings' fields, grouped as a person looks for them; each shows the API's refusal at itself. */
export function SettingsFields({ form, set, problem }: FieldsProps) {
  const { t } = useI18n();
  const error = (field: string) => fieldMessage(problem, field);
  const number = (name: NumberFieldName, hint?: string) => (
    <NumberField label={t(`settings.${name}`)} hint={hint} value={form.numbers[name]} onChange={(v) => set({ numbers: { ...form.numbers, [name]: v } })} min={0} error={error(name)} />
  );
  return (
    <>
      <fieldset className="panel settings-group">
        <legend>{t('settings.general')}</legend>
        <TextField label={t('settings.display_name')} value={form.display_name} onChange={(v) => set({ display_name: v })} required maxLength={200} error={error('display_name')} />
        <CheckboxGroup
          legend={t('settings.locales')}
          options={LOCALES.map((l) => ({ value: l, label: t(`settings.locale.${l}`) }))}
          selected={form.locales}
          onChange={(locales) => set({ locales })}
          error={error('locales')}
        />
        <FieldFrame label={t('settings.default_locale')} error={error('default_locale')}>
          {(control) => (
            <select {...control} value={form.default_locale} onChange={(e) => set({ default_locale: e.target.value as Locale })}>
              {LOCALES.map((l) => (
                <option key={l} value={l}>
                  {t(`settings.locale.${l}`)}
                </option>
              ))}
            </select>
          )}
        </FieldFrame>
        <TextField label={t('settings.primary_color')} hint={t('settings.primaryColorHint')} value={form.primary_color} onChange={(v) => set({ primary_color: v })} maxLength={7} error={error('primary_color')} />
      </fieldset>
      <fieldset className="panel settings-group">
        <legend>{t('settings.security')}</legend>
        {number('password_min_length', t('settings.range', { min: 8, max: 128 }))}
        {number('max_failed_logins', t('settings.range', { min: 3, max: 20 }))}
        <LinesField label={t('settings.mfa_roles')} hint={t('settings.mfaRolesHint')} values={form.mfa_roles} onChange={(mfa_roles) => set({ mfa_roles })} error={error('required_for_roles')} />
      </fieldset>
      <fieldset className="panel settings-group">
        <legend>{t('settings.lifetimes')}</legend>
        {number('access_token_ttl', t('settings.seconds', { min: 60, max: 86_400 }))}
        {number('id_token_ttl', t('settings.seconds', { min: 300, max: 86_400 }))}
        {number('refresh_token_ttl', t('settings.seconds', { min: 3_600, max: 7_776_000 }))}
        {number('refresh_token_reuse_interval', `${t('settings.reuseIntervalHint')} ${t('settings.seconds', { min: 0, max: 60 })}`)}
        {number('session_ttl', t('settings.seconds', { min: 300, max: 7_776_000 }))}
        {number('invitation_ttl_hours', t('settings.hours', { min: 1, max: 720 }))}
        {number('door_key_ttl', `${t('settings.doorKeyTtlHint')} ${t('settings.seconds', { min: 60, max: 86_400 })}`)}
      </fieldset>
      <fieldset className="panel settings-group">
        <legend>{t('settings.retention')}</legend>
        <p className="hint">{t('settings.retentionIntro')}</p>
        {number('change_log_retention_days', t('settings.days', { min: 30, max: 3_650 }))}
        {number('inactivity_days', t('settings.days', { min: 30, max: 3_650 }))}
        {number('invitation_retention_days', t('settings.days', { min: 1, max: 3_650 }))}
        {number('access_event_retention_days', `${t('settings.accessEventRetentionHint')} ${t('settings.days', { min: 7, max: 3_650 })}`)}
      </fieldset>
    </>
  );
}
