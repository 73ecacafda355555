/**
 * A minimal user agent for flows driven over real HTTP: follows redirects by hand (so a test sees each hop)
 * and keeps cookies per host name, as a browser does (cookies do not isolate by port, RFC 6265 §8.5).
 * Like a browser submitting a form, a post to a form's action sends that form's hidden inputs (CSRF tokens)
 * along with the fields the test fills in; `submitHidden: false` posts the given fields alone.
 */
export class Browser {
  /** Headers a browser sends with every request (its User-Agent, its Accept-Language); a request's own win. */
  constructor(private readonly defaultHeaders: Record<string, string> = {}) {}

  private readonly cookies = new Map<string, Map<string, string>>();
  /**
   * The hidden inputs of the forms on the pages seen last, by action path: a test may post a form to another
   * instance of the same deployment, as a load balancer would send it.
   */
  private readonly hiddenFields = new Map<string, Record<string, string>>();

  /** Another browser holding the same cookies now: what a back button, or someone who copied them, replays. */
  copy(): Browser {
    const other = new Browser(this.defaultHeaders);
    for (const [host, jar] of this.cookies) other.cookies.set(host, new Map(jar));
    for (const [action, fields] of this.hiddenFields) other.hiddenFields.set(action, { ...fields });
    return other;
  }

  async request(
    url: string,
    init: { method?: string; form?: Record<string, string>; headers?: Record<string, string>; submitHidden?: boolean } = {},
  ): Promise<Response> {
    const target = new URL(url);
    const jar = this.cookies.get(target.hostname) ?? new Map<string, string>();
    const headers: Record<string, string> = { ...this.defaultHeaders, ...init.headers };
    if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (init.form) {
      const hidden = init.submitHidden === false ? {} : this.hiddenFields.get(target.pathname + target.search);
      body = new URLSearchParams({ ...hidden, ...init.form }).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const res = await fetch(target, { method: init.method ?? (init.form ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    this.cookies.set(target.hostname, jar);
    if (res.headers.get('content-type')?.includes('text/html')) this.rememberForms(await res.clone().text(), target.href);
    return res;
  }

  private rememberForms(html: string, base: string): void {
    for (const [, attributes, inner] of html.matchAll(/<form([^>]*)>([\s\S]*?)<\/form>/g)) {
      const action = /action="([^"]*)"/.exec(attributes!)?.[1];
      if (action === undefined) continue;
      const fields: Record<string, string> = {};
      for (const [input] of inner!.matchAll(/<input[^>]*>/g)) {
        if (!/type="hidden"/.test(input)) continue;
        const name = /name="([^"]*)"/.exec(input)?.[1];
        if (name) fields[decodeEntities(name)] = decodeEntities(/value="([^"]*)"/.exec(input)?.[1] ?? '');
      }
      const resolved = new URL(decodeEntities(action), base);
      this.hiddenFields.set(resolved.pathname + resolved.search, fields);
    }
  }

  /** Follows redirects until a page answers, or until a redirect leaves for `stopAt` (the app's callback). */
  async follow(url: string, stopAt?: string, init?: Parameters<Browser['request']>[1]): Promise<{ url: string; res: Response }> {
    let current = url;
    let res = await this.request(current, init);
    for (let hops = 0; res.status >= 300 && res.status < 400 && hops < 20; hops++) {
      current = new URL(res.headers.get('location')!, current).href;
      if (stopAt && current.startsWith(stopAt)) return { url: current, res };
      res = await this.request(current);
    }
    return { url: current, res };
  }
}

function decodeEntities(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (entity, code: string) => {
    if (code[0] !== '#') return named[code.toLowerCase()] ?? entity;
    return String.fromCodePoint(code[1] === 'x' || code[1] === 'X' ? parseInt(code.slice(2), 16) : parseInt(code.slice(1), 10));
  });
}

/** The value of a form's `action` in a page. */
export function formAction(html: string, contains: string): string {
  const actions = [...html.matchAll(/<form[^>]*action="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
  const action = actions.find((a) => a.includes(contains));
  if (!action) throw new Error(`No form with an action containing ${contains}`);
  return action;
}

/** As a person does it: open an emailed link's page (which sets the form's token), then send its form. */
export async function submitLinkForm(link: string, form: Record<string, string>): Promise<Response> {
  const browser = new Browser();
  await browser.request(link);
  return browser.request(link, { form });
}
