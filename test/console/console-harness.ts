import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Browser as Chromium, BrowserContext, Page } from 'playwright-core';
import { projectRoot } from '../../src/project-root.js';
import type { TenantDoc } from '../../src/tenants/tenant.model.js';
import { launchChromium, startLocalhostIdp, watchedPage } from '../support/browser-driver.js';
import { asSetup, PASSWORD } from '../support/fixtures.js';
import type { TestIdp, TestIdpOptions } from '../support/test-idp.js';

/**
 * The console in a real browser: the whole app on its real database, Chromium, and people signing in through
 * the real sign-in page. The console is the build of scripts/console-build.mjs (npm test's pretest runs it).
 */
export type ConsoleIdp = TestIdp & { publicUrl: string };

export interface ConsoleWorld {
  idp: ConsoleIdp;
  chromium: Chromium;
  close(): Promise<void>;
}

/** `options` as startTestIdp takes them: a mail worker and its SMTP server (test/support/smtp.ts smtpEnv), say. */
export async function startConsoleWorld(options: TestIdpOptions = {}): Promise<ConsoleWorld> {
  const chromium = await launchChromium();
  const idp = await startLocalhostIdp(options);
  return {
    idp,
    chromium,
    async close() {
      await chromium.close();
      await idp.close();
    },
  };
}

export function consoleUrl(idp: ConsoleIdp, slug: string, page = ''): string {
  return `${idp.publicUrl}/t/${slug}/console/${page}`;
}

/** A person of the tenant holding these roles; their password is the fixtures' PASSWORD. */
export async function createPerson(idp: ConsoleIdp, tenant: TenantDoc, name: string, roles: string[]): Promise<{ email: string; id: string }> {
  const email = `${name}@${tenant.slug}.test`;
  const user = await asSetup(() => idp.services.users.create(tenant, { email, password: PASSWORD, name, roles, emailVerified: true }));
  return { email, id: user.id };
}

export interface ConsoleSession {
  context: BrowserContext;
  page: Page;
  /** Script errors and CSP violations seen so far: a page that works shows none. */
  problems: string[];
}

/**
 * Opens the console as a person who is not signed in, signs in on the tenant's sign-in page, and waits until
 * the console shows its first heading. `locale` is the browser's language, which the console speaks.
 */
export async function signInToConsole(world: ConsoleWorld, slug: string, email: string, locale = 'en', page = '', password = PASSWORD): Promise<ConsoleSession> {
  const context = await world.chromium.newContext({ locale, viewport: { width: 1280, height: 800 } });
  // Shorter than a test's timeout, so a stuck step fails with what the page showed rather than a bare timeout.
  context.setDefaultTimeout(10_000);
  const watched = await watchedPage(context);
  const { page: tab, problems } = watched;
  try {
    await tab.goto(consoleUrl(world.idp, slug, page));
    await tab.waitForURL(/\/interaction\//);
    await tab.fill('#email', email);
    await tab.fill('#password', password);
    await Promise.all([tab.waitForURL(`${consoleUrl(world.idp, slug)}**`), tab.click('form[action$="/login"] button[type="submit"]')]);
    await tab.locator('main h1').first().waitFor();
  } catch (error) {
    const shown = await tab.locator('body').innerText().catch(() => '');
    throw new Error(`Signing in to the console failed at ${tab.url()}: ${(error as Error).message}\nThe page showed: ${shown}\nProblems: ${problems.join('\n')}`);
  }
  return { context, ...watched };
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

const axeSource = () => readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core in the page and returns its serious and critical violations (expect them to equal []). The source
 * is evaluated by Playwright, outside the page's CSP (which allows no inline or injected script).
 */
export async function seriousAccessibilityViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource());
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run()).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
}

/** Keeps a full-page screenshot as a test artifact: test-artifacts/console/<page>-<locale>.png. */
export async function consoleScreenshot(page: Page, name: string, locale: string): Promise<string> {
  const path = join(projectRoot(), 'test-artifacts', 'console', `${name}-${locale}.png`);
  mkdirSync(dirname(path), { recursive: true });
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Holds the page's reads (GETs) of a path until `end()`: what the page shows meanwhile is what it knew without them,
 * as when the list's reload after a change is slow to land.
 */
export async function holdReads(page: Page, pathEnd: string): Promise<{ end(): Promise<void> }> {
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  const handling = new Set<Promise<void>>();
  const matches = (url: URL) => url.pathname.endsWith(pathEnd);
  await page.route(matches, (route) => {
    const handled = (async () => {
      if (route.request().method() === 'GET') await held;
      await route.continue();
    })();
    handling.add(handled);
    return handled;
  });
  return {
    async end() {
      release();
      // Unrouted only once every held read has gone on, or Playwright would hand them on a second time.
      await Promise.all(handling);
      await page.unroute(matches);
    },
  };
}
