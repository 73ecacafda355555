import Bowser from 'bowser';
import type { Locale } from '../i18n/locales.js';
import { translate } from '../i18n/messages.js';

/**
 * The browser and system a session was signed in from, by name only ("Chrome", "Android"): enough for a
 * person to recognise their own sessions. The User-Agent it is read from is never stored; neither are
 * versions, device models beyond iPhone/iPad, or anything else that would narrow down a person's device.
 */
export interface SessionDevice {
  browser?: string;
  os?: string;
}

// A User-Agent is sent by the client: the parser gets a bounded one, and a name a bounded length.
const MAX_USER_AGENT = 512;
const MAX_NAME = 40;

export function sessionDeviceOf(userAgent: string | undefined): SessionDevice | undefined {
  const ua = userAgent?.slice(0, MAX_USER_AGENT).trim();
  if (!ua) return undefined;
  const parsed = Bowser.parse(ua);
  const browser = nameOf(parsed.browser.name);
  // "Safari on iPhone" says more to a person than "Safari on iOS", and no more about them.
  const model = parsed.os.name === 'iOS' && /^(iPhone|iPad)$/.test(parsed.platform.model ?? '') ? parsed.platform.model : undefined;
  const os = nameOf(model ?? parsed.os.name);
  return browser || os ? { ...(browser ? { browser } : {}), ...(os ? { os } : {}) } : undefined;
}

function nameOf(name: string | undefined): string | undefined {
  const trimmed = name?.trim().slice(0, MAX_NAME);
  return trimmed || undefined;
}

/** "Firefox on Windows" in the page's language; a session from before labels, or from an unknown client, says so. */
export function deviceLabel(locale: Locale, device: SessionDevice | null | undefined): string {
  if (device?.browser && device.os) return translate(locale, 'sessions.device', { browser: device.browser, os: device.os });
  return device?.browser ?? device?.os ?? translate(locale, 'sessions.unknownDevice');
}
