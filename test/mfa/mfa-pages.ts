import { generate } from 'otplib';
import { formAction } from '../support/browser.js';

/** Helpers for reading our MFA pages the way a person's browser and authenticator app would. */

export function unescapeHtml(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The TOTP secret, read from the otpauth:// URI the enrolment page links to (what the QR code holds). */
export function totpSecretFrom(html: string): string {
  const uri = /href="(otpauth:\/\/[^"]+)"/.exec(html)?.[1];
  if (!uri) throw new Error('No otpauth URI on the page');
  const secret = new URL(unescapeHtml(uri)).searchParams.get('secret');
  if (!secret) throw new Error('No secret in the otpauth URI');
  return secret;
}

/** The code an authenticator app shows `stepsFromNow` 30-second steps from now (-1, 0 or 1 are accepted). */
export function totpCode(secret: string, stepsFromNow = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + stepsFromNow * 30 });
}

/** A passkey form on a page: where it posts and the WebAuthn options the script would hand to the browser. */
export function passkeyForm(html: string, actionContains: string): { action: string; options: Record<string, unknown> } {
  const forms = [...html.matchAll(/<form[^>]*data-passkey="[^"]*"[^>]*>/g)].map((m) => m[0]);
  const tag = forms.find((f) => /action="([^"]+)"/.exec(f)?.[1]?.includes(actionContains));
  if (!tag) throw new Error(`No passkey form posting to ${actionContains}`);
  return {
    action: unescapeHtml(/action="([^"]+)"/.exec(tag)![1]!),
    options: JSON.parse(unescapeHtml(/data-options="([^"]+)"/.exec(tag)![1]!)) as Record<string, unknown>,
  };
}

/** The form posting to an action containing `contains`, with `fields` filled in (the browser adds its hidden inputs). */
export function pageForm(html: string, contains: string, fields: Record<string, string> = {}): { action: string; fields: Record<string, string> } {
  return { action: formAction(html, contains), fields };
}
