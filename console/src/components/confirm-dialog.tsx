import { useEffect, useRef, type ReactNode } from 'react';
import { useI18n } from '../i18n/i18n';
import { WarningList } from './warning-list';

export interface ConfirmDialogProps {
  title: string;
  /** What will happen, shown before the person decides. */
  consequences: readonly string[];
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  onConfirm(): void;
  onCancel(): void;
  /** A problem from the attempt, shown in the dialog so the person can retry or cancel. */
  children?: ReactNode;
}

/**
 * A modal confirmation on the native <dialog>: focus moves into it and stays there, Escape cancels, and focus
 * returns to the button that opened it. Rendered only while open.
 */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const { t } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    const opener = document.activeElement as HTMLElement | null;
    dialog?.showModal();
    return () => {
      dialog?.close();
      opener?.focus();
    };
  }, []);
  return (
    <dialog ref={ref} className="dialog" aria-labelledby="confirm-title" onCancel={(e) => (e.preventDefault(), props.onCancel())}>
      <h2 id="confirm-title">{props.title}</h2>
      <WarningList warnings={props.consequences} />
      {props.children}
      <div className="actions">
        <button type="button" className="btn btn-secondary" onClick={props.onCancel} autoFocus>
          {t('common.cancel')}
        </button>
        <button type="button" className={props.danger ? 'btn btn-danger' : 'btn btn-primary'} onClick={props.onConfirm} disabled={props.busy}>
          {props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
