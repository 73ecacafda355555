import { useState } from 'react';
import { DateTimeField } from '../../components/date-time-field';
import { fromLocalInput, toLocalInput } from '../../components/moment';
import { useI18n } from '../../i18n/i18n';

/**
 * The moment an access question is about: now at first (asked without `at`, so the API's own now, to the
 * millisecond, not the minute the input shows), or the date and time the person chose. `asked` changes with
 * each question, so asking "now" again reloads the answer.
 */
export function useMoment() {
  const [state, setState] = useState(() => ({ input: toLocalInput(new Date()), now: true, asked: 0 }));
  return {
    input: state.input,
    at: state.now ? undefined : fromLocalInput(state.input),
    asked: state.asked,
    choose: (input: string) => setState((s) => ({ input, now: false, asked: s.asked + 1 })),
    toNow: () => setState((s) => ({ input: toLocalInput(new Date()), now: true, asked: s.asked + 1 })),
  };
}

export type Moment = ReturnType<typeof useMoment>;

/** Picks the moment: any past or future date and time, and back to now with one button. */
export function MomentPicker({ label, moment }: { label: string; moment: Moment }) {
  const { t } = useI18n();
  return (
    <div className="inline-form moment-picker">
      <DateTimeField label={label} value={moment.input} onChange={moment.choose} required />
      <button type="button" className="btn btn-secondary" onClick={moment.toNow}>
        {t('access.now')}
      </button>
    </div>
  );
}
