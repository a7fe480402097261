import { createHmac, timingSafeEqual } from 'node:crypto';

// A patient's link in a message: one message, one purpose, an expiry, signed
// with the clinic's own key (HMAC-SHA256, kept in message_settings). The
// tenant travels in clear so the key can be read under that tenant's scope;
// a changed byte anywhere fails the signature.

export const LINK_PREFIX = '/m/';
// waitlist_accept: the messageId slot carries a waitlist offer's id (waitlist/offer-link.ts).
export type LinkPurpose = 'answer' | 'waitlist_accept';

export interface LinkClaims {
  tenantId: string;
  messageId: string;
  purpose: LinkPurpose;
  /** Seconds since the epoch. */
  expires: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function mac(secret: Buffer, body: string): string {
  return createHmac('sha256', secret).update(`frontdesk patient link\n${body}`).digest('base64url');
}

export function signLink(secret: Buffer, claims: LinkClaims): string {
  const body = `${claims.tenantId}.${claims.messageId}.${claims.purpose}.${claims.expires}`;
  return `${body}.${mac(secret, body)}`;
}

/** The claims as written in a token, unchecked: which tenant's key to check it with. */
export function readLink(token: string): LinkClaims | null {
  const [tenantId = '', messageId = '', purpose, expires, sig, ...more] = token.split('.');
  if (more.length || !sig || !UUID.test(tenantId) || !UUID.test(messageId) || (purpose !== 'answer' && purpose !== 'waitlist_accept') || !/^\d{1,12}$/.test(expires ?? '')) return null;
  return { tenantId, messageId, purpose, expires: Number(expires) };
}

/** True when the token is signed with this key and not expired. */
export function verifyLink(secret: Buffer, token: string, now: Date): boolean {
  const claims = readLink(token);
  if (!claims) return false;
  const at = token.lastIndexOf('.');
  const given = Buffer.from(token.slice(at + 1));
  const wanted = Buffer.from(mac(secret, token.slice(0, at)));
  return given.length === wanted.length && timingSafeEqual(given, wanted) && claims.expires * 1000 > now.getTime();
}
