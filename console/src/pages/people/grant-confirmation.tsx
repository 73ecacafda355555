import { useState, type FormEvent } from 'react';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { useI18n } from '../../i18n/i18n';
import { roleGrantConsequences } from './role-picker';

/**
 * Submitting a form that gives roles: when it gives an admin role the person is asked first, with what that
 * role lets its holder do; otherwise `save` runs at once. Render `dialog` inside the form.
 */
export function useGrantConfirmation(roles: readonly string[], before: readonly string[], save: () => Promise<unknown>) {
  const { t } = useI18n();
  const [asking, setAsking] = useState(false);
  const consequences = roleGrantConsequences(t, roles, before);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (consequences.length) setAsking(true);
    else void save();
  };
  const confirmed = async () => {
    await save();
    setAsking(false);
  };
  const dialog = (name: string, confirmLabel: string, busy: boolean) =>
    asking && (
      <ConfirmDialog
        title={t('people.grantTitle', { name })}
        consequences={consequences}
        confirmLabel={confirmLabel}
        busy={busy}
        onConfirm={() => void confirmed()}
        onCancel={() => setAsking(false)}
      />
    );
  return { submit, dialog };
}
