import { type AuditLogRecord, auditRecords, verifyAudit } from '../db/audit';
import type { AppContext } from './context';

export type AuditLogEntry = AuditLogRecord;

/** The newest audit records first, optionally for one entity (e.g. a round code). */
export async function readAuditLog(ctx: AppContext, opts: { limit: number; entityId?: string | undefined }): Promise<AuditLogEntry[]> {
  return auditRecords(ctx.knex, { limit: opts.limit, entityIdPrefix: opts.entityId });
}

/** Checks the audit log's hash chain from its first row to its last. */
export async function verifyAuditLog(ctx: AppContext): ReturnType<typeof verifyAudit> {
  return verifyAudit(ctx.knex);
}

