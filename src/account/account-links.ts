/** The public addresses of the pages an account mail links to, all under the tenant's issuer path. */
export class AccountLinks {
  constructor(private readonly publicUrl: string | undefined) {}

  invitation(slug: string, token: string): string {
    return this.url(slug, `invitations/${token}`);
  }

  passwordReset(slug: string, token: string): string {
    return this.url(slug, `account/reset/${token}`);
  }

  emailVerification(slug: string, token: string): string {
    return this.url(slug, `account/verify/${token}`);
  }

  private url(slug: string, path: string): string {
    // Services built without HTTP (some specifications) have no public URL; sending mail from them is a bug.
    if (!this.publicUrl) throw new Error('Account links need the public URL');
    return `${this.publicUrl}/t/${encodeURIComponent(slug)}/${path}`;
  }
}
