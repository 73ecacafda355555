import { useState, type FormEvent, type ReactNode } from 'react';
import type { ApiProblem } from '../../api/api-result';
import { DateTimeField } from '../../components/date-time-field';
import { fieldMessage } from '../../components/field-message';
import { fromLocalInput } from '../../components/moment';
import { ProblemView } from '../../components/problem-view';
import { useI18n } from '../../i18n/i18n';
import { DoorField } from './door-field';

/** A door (required, or "any door") and a time range, as the API's counts and "who opened" take them. */
export interface DoorRange {
  door?: string;
  from: string;
  to: string;
}

interface DoorRangeFormProps {
  title: string;
  submitLabel: string;
  /** Whether a door must be chosen; otherwise "any door" is offered. */
  doorRequired: boolean;
  busy: boolean;
  problem?: ApiProblem;
  onSubmit(range: DoorRange): void;
  /** The answer, below the form. */
  children?: ReactNode;
}

/** Asks for a door and a time range (entered in the browser's time zone), then shows the answer. */
export function DoorRangeForm({ title, submitLabel, doorRequired, busy, problem, onSubmit, children }: DoorRangeFormProps) {
  const { t } = useI18n();
  const [door, setDoor] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit({ ...(door ? { door } : {}), from: fromLocalInput(from) ?? '', to: fromLocalInput(to) ?? '' });
  };
  return (
    <form className="panel panel-wide" onSubmit={submit} aria-label={title}>
      <h2>{title}</h2>
      <ProblemView problem={problem} />
      <DoorField value={door} onChange={setDoor} required={doorRequired} />
      <DateTimeField label={t('accessEvents.from')} value={from} onChange={setFrom} required error={fieldMessage(problem, 'from')} />
      <DateTimeField label={t('accessEvents.to')} value={to} onChange={setTo} required error={fieldMessage(problem, 'to')} />
      <button type="submit" className="btn btn-primary" disabled={busy}>
        {submitLabel}
      </button>
      {children}
    </form>
  );
}
