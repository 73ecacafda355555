import { SelectField } from '../../components/select-field';
import { TextField } from '../../components/text-field';
import { useI18n } from '../../i18n/i18n';
import type { RoleRule } from './directory-types';

interface RoleRulesProps {
  rules: readonly RoleRule[];
  /** The tenant's roles, which a rule may give. */
  roles: readonly string[];
  onChange(rules: RoleRule[]): void;
  /** The API's message about rule `index`, or about the rules as a whole for -1. */
  error(index: number): string | undefined;
}

/**
 * Claim-to-role rules: whom the upstream claim names (a value of a string or array claim, e.g. `groups`
 * containing `door-admins`) holds the role after each sign-in, and whom it does not name loses it.
 */
export function RoleRules({ rules, roles, onChange, error }: RoleRulesProps) {
  const { t } = useI18n();
  const set = (index: number, change: Partial<RoleRule>) => onChange(rules.map((r, i) => (i === index ? { ...r, ...change } : r)));
  const whole = error(-1);
  return (
    <fieldset className="field settings-group">
      <legend>{t('directory.rules')}</legend>
      <p className="hint">{t('directory.rulesHint')}</p>
      {whole && <p className="field-error">{whole}</p>}
      {rules.length === 0 && <p className="meta">{t('directory.noRules')}</p>}
      {rules.map((rule, i) => (
        <fieldset key={i} className="filters rule" aria-label={t('directory.ruleLabel', { n: i + 1 })}>
          <TextField label={t('directory.claim')} value={rule.claim} onChange={(claim) => set(i, { claim })} required maxLength={128} />
          <TextField label={t('directory.claimValue')} value={rule.value} onChange={(value) => set(i, { value })} required maxLength={256} />
          <SelectField label={t('directory.role')} value={rule.role} onChange={(role) => set(i, { role })} placeholder={t('directory.chooseRole')} options={[...new Set([...roles, rule.role].filter(Boolean))].map((r) => ({ value: r, label: r }))} required />
          {error(i) && <p className="field-error">{error(i)}</p>}
          <div className="row-actions">
            <button type="button" className="btn btn-secondary" onClick={() => onChange(rules.filter((_, j) => j !== i))} aria-label={t('directory.removeRuleLabel', { n: i + 1 })}>
              {t('directory.removeRule')}
            </button>
          </div>
        </fieldset>
      ))}
      <button type="button" className="btn btn-secondary" onClick={() => onChange([...rules, { claim: 'groups', value: '', role: '' }])}>
        {t('directory.addRule')}
      </button>
    </fieldset>
  );
}
