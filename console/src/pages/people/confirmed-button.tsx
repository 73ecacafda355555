import { useState } from 'react';
import type { Outcome } from '../../api/api-result';
import { useApiAction } from '../../api/use-api';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { ProblemView } from '../../components/problem-view';

interface ConfirmedButtonProps<T> {
  label: string;
  /** The dialog's question, and what the change does, read before deciding. */
  title: string;
  consequences: readonly string[];
  action(): Promise<Outcome<T>>;
  onDone(outcome: Outcome<T>): void;
}

/** A button for one change through the API that is confirmed first; the API's refusal is shown in the dialog. */
export function ConfirmedButton<T>({ label, title, consequences, action, onDone }: ConfirmedButtonProps<T>) {
  const change = useApiAction();
  const [asking, setAsking] = useState(false);
  const confirmed = async () => {
    const done = await change.run(action);
    if (!done) return;
    setAsking(false);
    onDone(done);
  };
  return (
    <>
      <button type="button" className="btn btn-danger" onClick={() => (change.clear(), setAsking(true))}>
        {label}
      </button>
      {asking && (
        <ConfirmDialog title={title} consequences={consequences} confirmLabel={label} danger busy={change.busy} onConfirm={() => void confirmed()} onCancel={() => setAsking(false)}>
          <ProblemView problem={change.problem} />
        </ConfirmDialog>
      )}
    </>
  );
}
