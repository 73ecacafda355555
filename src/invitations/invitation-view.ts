import type { ClientService } from '../clients/client.service.js';
import type { FieldCipher } from '../crypto/field-cipher.js';
import type { DoorService } from '../doors/door.service.js';
import { checkWindow } from '../doors/door-permission.window.js';
import { HttpError, ValidationError } from '../errors/http-errors.js';
import type { OutboxState } from '../outbox/outbox.model.js';
import type { InvitationDoc, InvitedDoor } from './invitation.model.js';
import { invitedAppOf, type InvitedApp } from './invited-app.js';

/** An invitation as admins see it, personal fields in clear; exists only in memory. */
export interface Invitation {
  id: string;
  email?: string;
  name?: string;
  locale: string;
  roles: string[];
  doors: Omit<InvitedDoor, 'doorId'>[];
  clientId?: string;
  redirectUri?: string;
  state: 'pending' | 'accepted' | 'revoked' | 'expired';
  /** The latest mail: waiting or being retried, accepted by the SMTP server, or given up. */
  delivery: 'queued' | 'sent' | 'delivery_failed';
  expiresAt: Date;
  invitedBy: string;
  userId?: string;
  acceptedAt?: Date;
  revokedAt?: Date;
  createdAt: Date;
}

export function deliveryOf(state: OutboxState | undefined): Invitation['delivery'] {
  if (state === 'sent') return 'sent';
  if (state === 'failed') return 'delivery_failed';
  return 'queued';
}

export function toInvitation(cipher: FieldCipher, doc: InvitationDoc, jobStates: Map<string, OutboxState>): Invitation {
  const expired = doc.state === 'pending' && doc.expiresAt <= new Date();
  return {
    id: doc._id,
    email: cipher.decryptOptional(doc.email, 'email'),
    name: cipher.decryptOptional(doc.name, 'name'),
    locale: doc.locale,
    roles: doc.roles,
    doors: doc.doors.map(({ doorKey, validFrom, validUntil }) => ({ doorKey, validFrom, validUntil })),
    clientId: doc.clientId,
    redirectUri: doc.redirectUri,
    state: expired ? 'expired' : doc.state,
    delivery: deliveryOf(doc.deliveryJobId ? jobStates.get(doc.deliveryJobId) : undefined),
    expiresAt: doc.expiresAt,
    invitedBy: doc.invitedBy,
    userId: doc.userId,
    acceptedAt: doc.acceptedAt,
    revokedAt: doc.revokedAt,
    createdAt: doc.createdAt,
  };
}

/** What an invitation may name, checked when it is made: doors that take grants, a client's own redirect URI. */
export class InvitationTargets {
  constructor(
    private readonly doorService: DoorService,
    private readonly clients: ClientService,
  ) {}

  async doors(tenantId: string, wanted: { doorKey: string; validFrom?: Date; validUntil?: Date }[]): Promise<InvitedDoor[]> {
    const resolved: InvitedDoor[] = [];
    for (const [i, want] of wanted.entries()) {
      const field = `door_permissions.${i}`;
      const door = await this.doorService.getByKey(tenantId, want.doorKey).catch((err: unknown) => {
        if (err instanceof HttpError && err.status === 404) throw new ValidationError([{ field: `${field}.door_id`, message: 'no such door' }]);
        throw err;
      });
      if (door.archivedAt) throw new ValidationError([{ field: `${field}.door_id`, message: 'the door is archived' }]);
      try {
        checkWindow({ validFrom: want.validFrom, validUntil: want.validUntil });
      } catch {
        throw new ValidationError([{ field: `${field}.valid_until`, message: 'must be later than valid_from' }]);
      }
      resolved.push({ doorId: door._id, doorKey: door.key, validFrom: want.validFrom, validUntil: want.validUntil });
    }
    return resolved;
  }

  /**
   * The app must be a registered client of the tenant. A `redirect_uri` (accepted for the API's older callers,
   * never used as a destination: see invited-app.ts) must still be one of its registered ones.
   */
  async checkClient(tenantId: string, clientId: string | undefined, redirectUri: string | undefined): Promise<void> {
    if (clientId === undefined) {
      if (redirectUri !== undefined) throw new ValidationError([{ field: 'client_id', message: 'redirect_uri needs the client_id it belongs to' }]);
      return;
    }
    const client = await this.registration(tenantId, clientId);
    if (!client) throw new ValidationError([{ field: 'client_id', message: 'no such client in this tenant' }]);
    if (redirectUri !== undefined && !(Array.isArray(client.redirect_uris) && (client.redirect_uris as unknown[]).includes(redirectUri))) {
      throw new ValidationError([{ field: 'redirect_uri', message: "not one of the client's registered redirect URIs" }]);
    }
  }

  /** Read when the link is used: the client may have changed, or gone, since the invitation was made. */
  async app(tenantId: string, clientId: string): Promise<InvitedApp | undefined> {
    const client = await this.registration(tenantId, clientId);
    return client ? invitedAppOf(clientId, client) : undefined;
  }

  /** The client's registration without its secret, which nothing here needs unsealed; undefined when gone. */
  private async registration(tenantId: string, clientId: string): Promise<Record<string, unknown> | undefined> {
    try {
      return (await this.clients.get(tenantId, clientId)).metadata;
    } catch (err) {
      if (err instanceof HttpError && err.status === 404) return undefined;
      throw err;
    }
  }
}
