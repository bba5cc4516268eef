// Issued tokens: what a login returns and what every resource call checks. A token is unusable once it is
// revoked or past its expiry on the sandbox clock.

import { randomBytes } from "node:crypto";
import { isoMicro } from "../time.js";
import type { Json } from "../spec.js";

export interface Token {
  id: string;
  userId: string;
  userName: string;
  /** Absent for an unscoped token, which can log in again but not call resources. */
  projectId: string | undefined;
  methods: string[];
  auditIds: string[];
  issuedAt: number;
  expiresAt: number;
  revoked: boolean;
  source: string;
  /** Set for AK/SK logins: Cloudpods sends the key and its secret back in the token body. */
  accessKey?: { access_key: string; secret: string; expire: number } | undefined;
}

export const DEFAULT_TOKEN_LIFETIME_MS = 86_400_000;

export class TokenStore {
  private readonly tokens = new Map<string, Token>();

  constructor(
    private readonly now: () => number,
    private readonly lifetimeMs = DEFAULT_TOKEN_LIFETIME_MS,
  ) {}

  issue(init: Omit<Token, "id" | "issuedAt" | "expiresAt" | "revoked">): Token {
    const issuedAt = this.now();
    const token: Token = {
      ...init,
      id: randomBytes(32).toString("hex"),
      issuedAt,
      expiresAt: issuedAt + this.lifetimeMs,
      revoked: false,
    };
    this.tokens.set(token.id, token);
    return token;
  }

  /** The token if it can still be used, whatever its scope. */
  valid(id: string | undefined): Token | undefined {
    const t = id === undefined ? undefined : this.tokens.get(id);
    return t && !t.revoked && t.expiresAt > this.now() ? t : undefined;
  }

  /** For tests: the raw record, revoked or not. */
  peek(id: string): Token | undefined {
    return this.tokens.get(id);
  }

  revoke(id: string): boolean {
    const t = this.tokens.get(id);
    if (t) t.revoked = true;
    return t !== undefined;
  }

  expire(id: string): boolean {
    const t = this.tokens.get(id);
    if (t) t.expiresAt = this.now();
    return t !== undefined;
  }

  /** Revokes every token of a user (user deleted or disabled). */
  revokeUser(userId: string): void {
    for (const t of this.tokens.values()) if (t.userId === userId) t.revoked = true;
  }
}

export const tokenTimes = (t: Token): Json => ({
  expires_at: isoMicro(t.expiresAt),
  issued_at: isoMicro(t.issuedAt),
});
