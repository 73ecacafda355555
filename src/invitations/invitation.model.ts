import { Schema, type Connection, type Model } from 'mongoose';
import { tenantScopePlugin } from '../db/tenant-scope.plugin.js';

/** Stored states; `expired` is not one of them: a pending invitation past `expiresAt` is expired when read. */
export type InvitationState = 'pending' | 'accepted' | 'revoked';

export interface InvitedDoor {
  doorId: string;
  /** The door's key (`door_id` in tokens), kept to show the invitation without another read. */
  doorKey: string;
  validFrom?: Date;
  validUntil?: Date;
}

/**
 * An invitation to become a user. `email` and `name` are sealed like a user's, `emailHash` is the blind
 * index; both leave the invitation when it is accepted (the user record holds them from then on).
 */
export interface InvitationDoc {
  _id: string;
  tenantId: string;
  email?: string;
  emailHash?: string;
  name?: string;
  locale: string;
  roles: string[];
  doors: InvitedDoor[];
  /** The app the person continues to after accepting (src/invitations/invited-app.ts). */
  clientId?: string;
  /** Kept as the admin gave it; never a destination, since a callback needs a code and the app's state. */
  redirectUri?: string;
  /** SHA-256 of the link's token; a resend replaces it, which kills the old link. */
  tokenHash: string;
  expiresAt: Date;
  state: InvitationState;
  /** The outbox job of the latest mail: its state is the invitation's delivery state. */
  deliveryJobId?: string;
  invitedBy: string;
  acceptedAt?: Date;
  userId?: string;
  revokedAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

const InvitedDoorSchema = new Schema<InvitedDoor>(
  { doorId: { type: String, required: true }, doorKey: { type: String, required: true }, validFrom: Date, validUntil: Date },
  { _id: false },
);

const InvitationSchema = new Schema<InvitationDoc>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true, immutable: true },
    email: String,
    emailHash: String,
    name: String,
    locale: { type: String, required: true },
    roles: { type: [String], default: [] },
    doors: { type: [InvitedDoorSchema], default: [] },
    clientId: String,
    redirectUri: String,
    tokenHash: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    state: { type: String, enum: ['pending', 'accepted', 'revoked'], required: true },
    deliveryJobId: String,
    invitedBy: { type: String, required: true },
    acceptedAt: Date,
    userId: String,
    revokedAt: Date,
  },
  { collection: 'invitations', timestamps: true, versionKey: false },
);
InvitationSchema.plugin(tenantScopePlugin, { listedById: true });
InvitationSchema.index({ tenantId: 1, tokenHash: 1 }, { unique: true });
InvitationSchema.index({ tenantId: 1, emailHash: 1 });

export type InvitationModel = Model<InvitationDoc>;

export function invitationModel(connection: Connection): InvitationModel {
  return connection.model<InvitationDoc>('Invitation', InvitationSchema);
}
