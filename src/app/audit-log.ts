import type { AppContext } from './context';

export interface AuditLogEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  reason: string | null;
}

/** The newest audit records first, optionally for one entity (e.g. a round code). */
export async function readAuditLog(ctx: AppContext, opts: { limit: number; entityId?: string | undefined }): Promise<AuditLogEntry[]> {
  let q = ctx.knex('audit_log').orderBy('id', 'desc').limit(opts.limit);
  if (opts.entityId) q = q.where('entity_id', 'like', `${opts.entityId}%`);
  const rows = await q;
  const parse = (v: unknown) => (typeof v === 'string' ? (JSON.parse(v) as unknown) : v);
  return rows.map((r: Record<string, unknown>) => ({
    id: Number(r.id),
    at: new Date(r.at as string).toISOString(),
    actor: r.actor as string,
    action: r.action as string,
    entity: r.entity as string,
    entityId: (r.entity_id as string | null) ?? null,
    before: parse(r.before),
    after: parse(r.after),
    reason: (r.reason as string | null) ?? null,
  }));
}
