import '../styles/config-pages.css';
import { useI18n } from '../i18n/i18n';
import { ProvidersSection } from './directory/providers-section';
import { ScimSection } from './directory/scim-section';

/**
 * The company directory, a tenant admin's: signing in with the company's OpenID provider, and provisioning
 * people from its HR directory through SCIM. Everything an admin sets up here they would otherwise send as
 * admin API calls; the API checks every rule.
 */
export function DirectoryPage() {
  const { t } = useI18n();
  return (
    <>
      <h1>{t('directory.title')}</h1>
      <p className="intro">{t('directory.intro')}</p>
      <ProvidersSection />
      <ScimSection />
    </>
  );
}
