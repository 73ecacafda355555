import { useI18n } from '../i18n/i18n';

export interface FormActionsProps {
  /** The submit button's text: "Save" when editing, what the form makes otherwise. */
  submitLabel: string;
  busy: boolean;
  /** Where a form can be left without saving (an edit in place); none for a form that stays. */
  onCancel?: () => void;
}

/** A form's submit button and, where it can be left, its Cancel. */
export function FormActions({ submitLabel, busy, onCancel }: FormActionsProps) {
  const { t } = useI18n();
  return (
    <div className="row-actions">
      <button type="submit" className="btn btn-primary" disabled={busy}>
        {submitLabel}
      </button>
      {onCancel && (
        <button type="button" className="btn btn-secondary" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      )}
    </div>
  );
}
