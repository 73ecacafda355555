import path from 'node:path';
import { Eta } from 'eta';
import { isLocale, type Locale } from '../i18n/locales.js';
import { isMessageKey, translate, type MessageKey, type MessageParams, type Translate } from '../i18n/messages.js';

export type ViewName = 'login' | 'consent' | 'logout' | 'logged-out' | 'error';

export type ViewData = { locale: Locale; nonce: string; tenantName: string } & Record<string, unknown>;

export interface ViewRenderer {
  /**
   * Renders `views/<view>.eta` inside the layout. Besides `data`, templates receive `t`
   * (translate bound to `data.locale`), `hasMessage` and a default `title` for the view.
   *
   * The `error` view shows the "page not found" wording when `code` is `not_found`.
   */
  render(view: ViewName | (string & {}), data: ViewData): string;
}

export interface ViewRendererOptions {
  /** Absolute path of the directory holding the `.eta` files. */
  viewsDir: string;
  /** Compile each template once and keep it; turn off only while editing templates. */
  cache?: boolean;
}

// View names come from code, but a strict shape keeps any path trickery out of eta's resolver.
const VIEW_NAME = /^[a-z][a-z0-9-]*$/;

const DEFAULT_TITLES: Readonly<Record<string, MessageKey>> = {
  login: 'title.login',
  consent: 'title.consent',
  logout: 'title.logout',
  'logged-out': 'title.loggedOut',
  error: 'title.error',
};

function defaultTitle(view: string, data: ViewData, t: Translate): string | undefined {
  if (view === 'error' && data['code'] === 'not_found') return t('title.notFound');
  const key = DEFAULT_TITLES[view];
  return key ? t(key) : undefined;
}

export function createViewRenderer(options: ViewRendererOptions): ViewRenderer {
  if (!path.isAbsolute(options.viewsDir)) {
    // A relative path would silently depend on the working directory the process was started in.
    throw new TypeError(`viewsDir must be an absolute path, got "${options.viewsDir}"`);
  }
  const eta = new Eta({
    views: options.viewsDir,
    cache: options.cache ?? true,
    autoEscape: true,
    defaultExtension: '.eta',
  });

  return {
    render(view, data) {
      if (!VIEW_NAME.test(view)) throw new TypeError(`Invalid view name "${view}"`);
      if (!isLocale(data.locale)) throw new TypeError(`Unsupported locale "${String(data.locale)}"`);
      const { locale } = data;
      const t: Translate = (key: MessageKey, params?: MessageParams) => translate(locale, key, params);
      const title = typeof data['title'] === 'string' && data['title'] ? data['title'] : defaultTitle(view, data, t);
      // `t` is injected after the caller's data so a page can never be rendered with another locale's text.
      return eta.render(view, { ...data, title, t, hasMessage: isMessageKey });
    },
  };
}
