import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SUPPORTED_LOCALES, type Locale } from '../../src/i18n/locales.js';
import { translate } from '../../src/i18n/messages.js';
import { createViewRenderer, type ViewData } from '../../src/views/view-renderer.js';

const viewsDir = fileURLToPath(new URL('../../views', import.meta.url));
const renderer = createViewRenderer({ viewsDir });

const NONCE = 'bm9uY2UtdmFsdWU=';
const XSS = '"><script>alert(1)</script><img src=x onerror=alert(2)>';
const LOGOUT_FORM =
  '<form id="op.logoutForm" method="post" action="https://id.example.test/session/end/confirm"><input type="hidden" name="xsrf" value="abc123"/></form>';

function base(locale: Locale, extra: Record<string, unknown> = {}): ViewData {
  return { locale, nonce: NONCE, tenantName: 'Acme Offices', ...extra };
}

const pages: Record<string, (locale: Locale) => ViewData> = {
  login: (locale) =>
    base(locale, { action: 'https://id.example.test/interaction/abc/login', email: '', error: undefined, clientName: 'Door App', hidden: {} }),
  consent: (locale) =>
    base(locale, {
      action: 'https://id.example.test/interaction/abc/confirm',
      abortAction: 'https://id.example.test/interaction/abc/abort',
      clientName: 'Door App',
      scopes: ['openid', 'profile', 'email', 'roles', 'doors', 'offline_access'],
      hidden: {},
    }),
  logout: (locale) => base(locale, { form: LOGOUT_FORM }),
  'logged-out': (locale) => base(locale),
  error: (locale) => base(locale, { code: 'invalid_request' }),
};

/** Attribute values of every `name="..."` attribute in the page. */
function attributeValues(html: string, name: string): string[] {
  return [...html.matchAll(new RegExp(`\\s${name}="([^"]*)"`, 'g'))].map((m) => m[1] ?? '');
}

function inputTag(html: string, name: string): string {
  const tag = html.match(new RegExp(`<input[^>]*\\sname="${name}"[^>]*>`))?.[0];
  if (!tag) throw new Error(`no input named ${name}`);
  return tag;
}

function count(html: string, pattern: RegExp): number {
  return html.match(new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`))?.length ?? 0;
}

describe('view renderer', () => {
  describe.each(Object.keys(pages))('the %s page', (view) => {
    it.each([...SUPPORTED_LOCALES])('renders in %s with a matching <html lang>', (locale) => {
      const html = renderer.render(view, pages[view]!(locale));
      expect(html.startsWith('<!doctype html>')).toBe(true);
      expect(html).toContain(`<html lang="${locale}">`);
      expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
      expect(html).toContain('<meta name="referrer" content="no-referrer">');
      expect(count(html, /<h1[\s>]/)).toBe(1);
      expect(count(html, /<main[\s>]/)).toBe(1);
      expect(html).toMatch(/<title>[^<]+ – Acme Offices<\/title>/);
      expect(html).toContain('Acme Offices</span>');
    });

    it('is translated: no locale renders the same page as English', () => {
      const english = renderer.render(view, pages[view]!('en'));
      for (const locale of SUPPORTED_LOCALES.filter((l) => l !== 'en')) {
        const html = renderer.render(view, pages[view]!(locale));
        const title = html.match(/<title>([^<]*)<\/title>/)?.[1];
        expect(title).not.toBe(english.match(/<title>([^<]*)<\/title>/)?.[1]);
        expect(html.replace(`lang="${locale}"`, 'lang="en"')).not.toBe(english);
      }
    });

    it('loads nothing from another origin and needs no inline script or style attributes', () => {
      const data = pages[view]!('en');
      const html = renderer.render(view, data);
      const passedActions = [data['action'], data['abortAction'], 'https://id.example.test/session/end/confirm'];
      const withoutActions = html.replace(/\saction="([^"]*)"/g, (whole, url: string) => (passedActions.includes(url) ? '' : whole));
      // The icon is the page's own (a data: URL); the SVG namespace in it names no place to load from.
      expect(count(html, /<link rel="icon" href="data:image\/svg\+xml,[^"<>]*">/g)).toBe(1);
      const own = withoutActions.replace(/<link rel="icon" href="data:image\/svg\+xml,[^"<>]*">/, '');
      expect(own).not.toMatch(/https?:\/\//i);
      expect(own).not.toMatch(/(?:src|href)\s*=|url\(|@import|<link\b|<img\b|<script\b|<iframe\b/i);
      expect(html).not.toMatch(/\sstyle\s*=/i);
      expect(html).not.toMatch(/\son[a-z]+\s*=/i);
      expect(count(html, /<style\b/)).toBe(1);
      expect(html).toContain(`<style nonce="${NONCE}">`);
    });

    it('gives every visible input a <label for>', () => {
      const html = renderer.render(view, pages[view]!('de'));
      const inputs = [...html.matchAll(/<input\b[^>]*>/g)].map((m) => m[0]).filter((tag) => !/type="hidden"/.test(tag));
      for (const input of inputs) {
        const id = input.match(/\sid="([^"]+)"/)?.[1];
        expect(id).toBeDefined();
        expect(html).toContain(`<label for="${id}">`);
      }
    });

    it('declares a visible focus style', () => {
      const html = renderer.render(view, pages[view]!('en'));
      expect(html).toMatch(/:focus-visible\s*\{[^}]*outline:\s*\d/);
    });
  });

  describe('login page', () => {
    const render = (extra: Record<string, unknown> = {}, locale: Locale = 'en') =>
      renderer.render('login', { ...pages['login']!(locale), ...extra });

    it('posts the credentials to the given action', () => {
      const html = render();
      expect(html).toMatch(/<form method="post" action="https:\/\/id\.example\.test\/interaction\/abc\/login">/);
      expect(html).toMatch(/<button type="submit"[^>]*>Sign in<\/button>/);
    });

    it('has an email field for the username with a label and autocomplete', () => {
      const html = render();
      const email = inputTag(html, 'email');
      expect(email).toContain('type="email"');
      expect(email).toContain('autocomplete="username"');
      expect(email).toContain('id="email"');
      expect(email).toMatch(/\srequired[\s>]/);
      expect(html).toContain('<label for="email">Email address</label>');
    });

    it('has a password field for the current password with a label and autocomplete', () => {
      const html = render({}, 'da');
      const password = inputTag(html, 'password');
      expect(password).toContain('type="password"');
      expect(password).toContain('autocomplete="current-password"');
      expect(password).toContain('id="password"');
      expect(password).toMatch(/\srequired[\s>]/);
      expect(password).not.toContain('value=');
      expect(html).toContain('<label for="password">Adgangskode</label>');
    });

    it('focuses the email field when it is empty, otherwise the password field', () => {
      let html = render({ email: '' });
      expect(inputTag(html, 'email')).toMatch(/\sautofocus[\s>]/);
      expect(inputTag(html, 'password')).not.toContain('autofocus');

      html = render({ email: 'anna@example.com' });
      expect(inputTag(html, 'email')).toContain('value="anna@example.com"');
      expect(inputTag(html, 'email')).not.toContain('autofocus');
      expect(inputTag(html, 'password')).toMatch(/\sautofocus[\s>]/);
    });

    it('shows the tenant heading and the client line in the page language', () => {
      const html = render({}, 'de');
      expect(html).toContain('<h1>Bei Acme Offices anmelden</h1>');
      expect(html).toContain('um mit Door App fortzufahren');
      expect(render({ clientName: undefined })).not.toContain('to continue to');
    });

    it('announces an error in a role="alert" element tied to the fields', () => {
      const error = translate('sv', 'login.error.invalidCredentials');
      const html = render({ error }, 'sv');
      expect(html).toMatch(new RegExp(`<div class="alert" role="alert" id="login-error">${error}</div>`));
      expect(inputTag(html, 'password')).toContain('aria-describedby="login-error"');
      expect(inputTag(html, 'email')).toContain('aria-invalid="true"');
      expect(render()).not.toContain('role="alert"');
    });

    it('renders the given hidden inputs', () => {
      const html = render({ hidden: { csrf: 'tok-123', state: 'a&b' } });
      expect(html).toContain('<input type="hidden" name="csrf" value="tok-123">');
      expect(html).toContain('<input type="hidden" name="state" value="a&amp;b">');
    });
  });

  describe('consent page', () => {
    const render = (extra: Record<string, unknown> = {}, locale: Locale = 'en') =>
      renderer.render('consent', { ...pages['consent']!(locale), ...extra });

    it('lists one translated line per requested scope', () => {
      const html = render({}, 'en');
      expect(count(html, /<li>/)).toBe(6);
      expect(html).toContain('Door App would like to:');
      for (const line of [
        'Confirm your identity',
        'See your name and language',
        'See your email address',
        'See your roles',
        'See which doors and rooms you may open',
        'Stay signed in when you are away',
      ]) {
        expect(html).toContain(`<li>${line}</li>`);
      }
      expect(render({}, 'sv')).toContain('<li>Se vilka dörrar och rum du får öppna</li>');
    });

    it('lists unknown scopes by name', () => {
      const html = render({ scopes: ['openid', 'billing:read', 'constructor'] });
      expect(count(html, /<li>/)).toBe(3);
      expect(html).toContain('<li><code>billing:read</code></li>');
      expect(html).toContain('<li><code>constructor</code></li>');
    });

    it('allows with the main form and denies with a separate form', () => {
      const html = render({ hidden: { csrf: 'tok' } }, 'de');
      expect(html).toContain('<form id="consent-deny" method="post" action="https://id.example.test/interaction/abc/abort">');
      expect(html).toContain('<form method="post" action="https://id.example.test/interaction/abc/confirm">');
      expect(html).toMatch(/<button type="submit" class="btn btn-primary">Erlauben<\/button>/);
      expect(html).toMatch(/<button type="submit" class="btn btn-secondary" form="consent-deny">Ablehnen<\/button>/);
      expect(count(html, /<input type="hidden" name="csrf" value="tok">/)).toBe(2);
    });
  });

  describe('logout page', () => {
    it('outputs the provider form raw and submits it with yes or no', () => {
      const html = renderer.render('logout', pages['logout']!('sv'));
      expect(html).toContain(LOGOUT_FORM);
      expect(html).toContain('Vill du logga ut från Acme Offices?');
      expect(html).toMatch(/<button type="submit"[^>]* form="op\.logoutForm" value="yes" name="logout">Ja, logga ut<\/button>/);
      const no = html.match(/<button[^>]*>Nej, förbli inloggad<\/button>/)?.[0] ?? '';
      expect(no).toContain('form="op.logoutForm"');
      expect(no).not.toContain('name=');
    });
  });

  describe('error page', () => {
    it('shows a generic sentence and the error code, not a raw description', () => {
      const html = renderer.render('error', { ...pages['error']!('da') });
      expect(html).toContain('<h1>Noget gik galt</h1>');
      expect(html).toContain('Fejlkode: invalid_request');
      expect(html).toContain('role="alert"');
    });

    it('shows a description only when it is passed explicitly', () => {
      const html = renderer.render('error', { ...pages['error']!('en'), description: 'The link has expired.' });
      expect(html).toContain('<p>The link has expired.</p>');
    });

    it('uses the not-found wording for not_found', () => {
      const html = renderer.render('error', base('de', { code: 'not_found' }));
      expect(html).toContain('<title>Seite nicht gefunden – Acme Offices</title>');
      expect(html).toContain('Diese Seite existiert nicht.');
      expect(html).not.toContain('Fehlercode');
    });
  });

  describe('escaping', () => {
    it('escapes every user-supplied value', () => {
      const hostile = { tenantName: XSS, clientName: XSS };
      const html = [
        renderer.render('login', { ...pages['login']!('en'), ...hostile, email: XSS, error: XSS, hidden: { [XSS]: XSS } }),
        renderer.render('consent', { ...pages['consent']!('de'), ...hostile, scopes: [XSS], hidden: { csrf: XSS } }),
        renderer.render('logout', { ...pages['logout']!('sv'), tenantName: XSS }),
        renderer.render('logged-out', { ...pages['logged-out']!('da'), tenantName: XSS }),
        renderer.render('error', { ...pages['error']!('en'), tenantName: XSS, code: XSS, description: XSS }),
        renderer.render('login', { ...pages['login']!('en'), title: XSS }),
        renderer.render('login', { ...pages['login']!('en'), nonce: XSS }),
      ];
      for (const page of html) {
        expect(page).not.toContain('<script>');
        expect(page).not.toContain('<img');
        expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      }
    });

    it('escapes the action URLs', () => {
      const html = renderer.render('login', { ...pages['login']!('en'), action: '/login?a=1&b="x"' });
      expect(html).toContain('action="/login?a=1&amp;b=&quot;x&quot;"');
    });
  });

  describe('rendering contract', () => {
    it('binds t to the page locale, whatever the caller passes', () => {
      const html = renderer.render('login', { ...pages['login']!('de'), t: () => 'HIJACKED' });
      expect(html).not.toContain('HIJACKED');
      expect(html).toContain('Passwort');
    });

    it('uses a translated default title and accepts an explicit one', () => {
      expect(renderer.render('logout', pages['logout']!('da'))).toContain('<title>Log ud – Acme Offices</title>');
      expect(renderer.render('logged-out', { ...pages['logged-out']!('en'), title: 'Goodbye' })).toContain(
        '<title>Goodbye – Acme Offices</title>',
      );
    });

    it('rejects view names that could leave the views directory', () => {
      for (const view of ['../package', '/etc/passwd', 'layout/../../x', 'Login', '']) {
        expect(() => renderer.render(view, pages['login']!('en'))).toThrow(/view name/);
      }
    });

    it('rejects an unsupported locale instead of guessing', () => {
      expect(() => renderer.render('login', { ...pages['login']!('en'), locale: 'fr' as Locale })).toThrow(/locale/);
    });

    it('requires an absolute views directory', () => {
      expect(() => createViewRenderer({ viewsDir: 'views' })).toThrow(/absolute/);
    });

    describe('template cache', () => {
      let dir: string;
      beforeEach(() => {
        dir = mkdtempSync(path.join(tmpdir(), 'views-'));
        cpSync(viewsDir, dir, { recursive: true });
      });
      afterEach(() => rmSync(dir, { recursive: true, force: true }));

      const edit = () => writeFileSync(path.join(dir, 'logged-out.eta'), "<% layout('layout') %><h1>edited</h1>");

      it('compiles each template once by default', () => {
        const cached = createViewRenderer({ viewsDir: dir });
        const first = cached.render('logged-out', pages['logged-out']!('en'));
        edit();
        expect(cached.render('logged-out', pages['logged-out']!('en'))).toBe(first);
      });

      it('re-reads templates when the cache is off', () => {
        const uncached = createViewRenderer({ viewsDir: dir, cache: false });
        uncached.render('logged-out', pages['logged-out']!('en'));
        edit();
        expect(uncached.render('logged-out', pages['logged-out']!('en'))).toContain('<h1>edited</h1>');
      });
    });
  });
});
