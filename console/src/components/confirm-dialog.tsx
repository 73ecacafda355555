import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useI18n } from '../i18n/i18n';
import type { ApiProblem } from '../api/api-result';
import { ProblemView } from './problem-view';
import { TextField } from './text-field';
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
  /**
   * For what cannot be undone (an erasure, a termination): the person types this text (the email, the slug)
   * before the action runs, so that a slip of the hand on the wrong row destroys nothing.
   */
  typeToConfirm?: string;
  /** A problem from the attempt, shown in the dialog so the person can retry or cancel. */
  problem?: ApiProblem;
  /** What else the person reads or fills in before deciding. */
  children?: ReactNode;
}

/**
 * A modal confirmation on the native <dialog>: focus moves into it and stays there, Escape cancels, and focus
 * returns to the button that opened it. Rendered only while open.
 */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const { t } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  const [typed, setTyped] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const confirm = () => {
    if (props.typeToConfirm !== undefined && typed.trim() !== props.typeToConfirm) return setMismatch(true);
    props.onConfirm();
  };
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
      <ProblemView problem={props.problem} />
      {props.typeToConfirm !== undefined && (
        <TextField
          label={t('common.typeToConfirm', { text: props.typeToConfirm })}
          value={typed}
          onChange={(v) => (setTyped(v), setMismatch(false))}
          error={mismatch ? t('common.typeMismatch', { text: props.typeToConfirm }) : undefined}
        />
      )}
      <div className="actions">
        <button type="button" className="btn btn-secondary" onClick={props.onCancel} autoFocus>
          {t('common.cancel')}
        </button>
        <button type="button" className={props.danger ? 'btn btn-danger' : 'btn btn-primary'} onClick={confirm} disabled={props.busy}>
          {props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
