import { z } from 'zod';

/** RFC 5321 §4.5.3.1: a mailbox's local part is at most 64 octets, a forward path at most 256 (254 of address). */
export const MAX_LOCAL_PART = 64;
export const MAX_EMAIL_LENGTH = 254;

/**
 * An email address as every route and service that takes one accepts it: one schema, so none is laxer than
 * another. An address no mail server would deliver to is refused here rather than stored and its mail lost.
 */
export const EmailAddress = z
  .email()
  .max(MAX_EMAIL_LENGTH, `at most ${MAX_EMAIL_LENGTH} characters (RFC 5321)`)
  // Only a long local part fails here: what is no address at all is the format's to name, once.
  .regex(new RegExp(`^(?![^@]{${MAX_LOCAL_PART + 1},}@)`), `at most ${MAX_LOCAL_PART} characters before the @ (RFC 5321)`);
