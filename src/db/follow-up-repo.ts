/**
 * What a publication leaves to follow up (SPEC §5.9): certificates, rectification notices and their
 * re-inspection, interviews, and disqualification and exit proposals with the bureau's decisions.
 * Dates come back as yyyy-mm-dd, rows as typed records.
 */
import type { Knex } from 'knex';
import type { FirmStatus } from '../domain/types';
import { toIsoDate } from './rounds-repo';

type Db = Knex | Knex.Transaction;

export type RectificationResult = 'passed' | 'failed';
export type ProposalKind = 'disqualification' | 'exit';
export type ProposalStatus = 'pending' | 'approved' | 'rejected';

/** Which follow-up rows to read: of one round (by id or code), of one firm in some rounds, or only those still open. */
export interface FollowUpFilter {
  roundId?: number | undefined;
  roundCode?: string | undefined;
  firmId?: number | undefined;
  roundIds?: readonly number[] | undefined;
  pending?: boolean | undefined;
}

export interface CertificateRecord {
  roundId: number;
  uscc: string;
  number: string;
}

export interface RectificationRecord {
  id: number;
  roundId: number;
  roundCode: string;
  firmId: number;
  uscc: string;
  firmName: string;
  issuedOn: string;
  deadline: string;
  reinspectBy: string;
  result: RectificationResult | null;
  resultOn: string | null;
  note: string | null;
  /** What the firm reported of its rectification, if it has. */
  report: RectificationReport | null;
}

export interface RectificationReport {
  text: string;
  /** Names of the evidence files the firm hands in. */
  evidence: string[];
  at: Date;
  by: string;
}

export interface InterviewRecord {
  id: number;
  roundId: number;
  roundCode: string;
  firmId: number;
  uscc: string;
  firmName: string;
  legalRep: string | null;
  scheduledOn: string | null;
  heldOn: string | null;
  note: string | null;
}

export interface ProposalRecord {
  id: number;
  roundId: number;
  roundCode: string;
  firmId: number;
  uscc: string;
  firmName: string;
  kind: ProposalKind;
  reason: string;
  status: ProposalStatus;
  decidedBy: string | null;
  decisionReason: string | null;
}

type DateValue = string | Date;
const isoDate = (v: DateValue): string => toIsoDate(v) ?? '';

function filtered<T extends Knex.QueryBuilder>(q: T, alias: string, f: FollowUpFilter, pendingColumn: string | null): T {
  if (f.roundId !== undefined) q.where(`${alias}.round_id`, f.roundId);
  if (f.roundCode) q.where('rd.code', f.roundCode);
  if (f.firmId !== undefined) q.where(`${alias}.firm_id`, f.firmId);
  if (f.roundIds) q.whereIn(`${alias}.round_id`, [...f.roundIds]);
  if (f.pending && pendingColumn) q.whereNull(`${alias}.${pendingColumn}`);
  return q;
}

export async function certificates(db: Db, f: FollowUpFilter): Promise<CertificateRecord[]> {
  const q = db('certificates as c').join('firms as f', 'f.id', 'c.firm_id').select('c.round_id', 'f.uscc', 'c.number').orderBy('c.number');
  const rows: { round_id: number | string; uscc: string; number: string }[] = await filtered(q, 'c', f, null);
  return rows.map((r) => ({ roundId: Number(r.round_id), uscc: r.uscc, number: r.number }));
}

interface RectificationRow {
  id: number | string;
  round_id: number | string;
  code: string;
  firm_id: number | string;
  uscc: string;
  name: string;
  issued_on: DateValue;
  deadline: DateValue;
  reinspect_by: DateValue;
  result: RectificationResult | null;
  result_on: DateValue | null;
  note: string | null;
  report: string | null;
  report_evidence: string[] | string;
  reported_at: Date | null;
  reported_by: string | null;
}

/** Rectification notices, newest round first and in the order issued; `pending`: no re-inspection result yet. */
export async function rectifications(db: Db, f: FollowUpFilter = {}): Promise<RectificationRecord[]> {
  const q = db('rectifications as r')
    .join('rounds as rd', 'rd.id', 'r.round_id')
    .join('firms as f', 'f.id', 'r.firm_id')
    .select('r.id', 'r.round_id', 'rd.code', 'r.firm_id', 'f.uscc', 'f.name', 'r.issued_on', 'r.deadline', 'r.reinspect_by', 'r.result', 'r.result_on', 'r.note', 'r.report', 'r.report_evidence', 'r.reported_at', 'r.reported_by')
    .orderBy([{ column: 'rd.code', order: 'desc' }, { column: 'r.id' }]);
  const rows: RectificationRow[] = await filtered(q, 'r', f, 'result');
  return rows.map((r) => ({
    id: Number(r.id),
    roundId: Number(r.round_id),
    roundCode: r.code,
    firmId: Number(r.firm_id),
    uscc: r.uscc,
    firmName: r.name,
    issuedOn: isoDate(r.issued_on),
    deadline: isoDate(r.deadline),
    reinspectBy: isoDate(r.reinspect_by),
    result: r.result,
    resultOn: toIsoDate(r.result_on),
    note: r.note,
    report:
      r.report === null || r.reported_at === null
        ? null
        : { text: r.report, evidence: typeof r.report_evidence === 'string' ? (JSON.parse(r.report_evidence) as string[]) : r.report_evidence, at: new Date(r.reported_at), by: r.reported_by ?? '' },
  }));
}

/** The rectification notice of a firm (by USCC) in a round, locked; undefined when none was issued. */
export async function lockRectification(trx: Knex.Transaction, roundId: number, uscc: string): Promise<{ id: number; firmName: string; deadline: string; result: RectificationResult | null } | undefined> {
  const row: { id: number | string; result: RectificationResult | null; deadline: DateValue; name: string } | undefined = await trx('rectifications as r')
    .join('firms as f', 'f.id', 'r.firm_id')
    .where('r.round_id', roundId)
    .where('f.uscc', uscc)
    .select('r.id', 'r.result', 'r.deadline', 'f.name')
    .first()
    .forUpdate();
  return row ? { id: Number(row.id), firmName: row.name, deadline: isoDate(row.deadline), result: row.result } : undefined;
}

/** The firm's report of its rectification (the latest replaces an earlier one; the audit log keeps both). */
export async function setRectificationReport(trx: Knex.Transaction, id: number, r: { text: string; evidence: string[]; at: Date; by: string }): Promise<void> {
  await trx('rectifications').where({ id }).update({ report: r.text, report_evidence: JSON.stringify(r.evidence), reported_at: r.at, reported_by: r.by });
}

export async function setReinspectionResult(trx: Knex.Transaction, id: number, r: { result: RectificationResult; on: string; note: string | null }): Promise<void> {
  await trx('rectifications').where({ id }).update({ result: r.result, result_on: r.on, note: r.note });
}

interface InterviewRow {
  id: number | string;
  round_id: number | string;
  code: string;
  firm_id: number | string;
  uscc: string;
  name: string;
  legal_rep: string | null;
  scheduled_on: DateValue | null;
  held_on: DateValue | null;
  note: string | null;
}

/** Interviews, newest round first and in the order scheduled; `pending`: not held yet. */
export async function interviews(db: Db, f: FollowUpFilter = {}): Promise<InterviewRecord[]> {
  const q = db('interviews as i')
    .join('rounds as rd', 'rd.id', 'i.round_id')
    .join('firms as f', 'f.id', 'i.firm_id')
    .select('i.id', 'i.round_id', 'rd.code', 'i.firm_id', 'f.uscc', 'f.name', 'f.legal_rep', 'i.scheduled_on', 'i.held_on', 'i.note')
    .orderBy([{ column: 'rd.code', order: 'desc' }, { column: 'i.id' }]);
  const rows: InterviewRow[] = await filtered(q, 'i', f, 'held_on');
  return rows.map((r) => ({
    id: Number(r.id),
    roundId: Number(r.round_id),
    roundCode: r.code,
    firmId: Number(r.firm_id),
    uscc: r.uscc,
    firmName: r.name,
    legalRep: r.legal_rep,
    scheduledOn: toIsoDate(r.scheduled_on),
    heldOn: toIsoDate(r.held_on),
    note: r.note,
  }));
}

/** The interview of a firm (by USCC) in a round, locked; undefined when none was scheduled. */
export async function lockInterview(trx: Knex.Transaction, roundId: number, uscc: string): Promise<{ id: number; firmName: string; scheduledOn: string | null; heldOn: string | null } | undefined> {
  const row: { id: number | string; held_on: DateValue | null; scheduled_on: DateValue | null; name: string } | undefined = await trx('interviews as i')
    .join('firms as f', 'f.id', 'i.firm_id')
    .where('i.round_id', roundId)
    .where('f.uscc', uscc)
    .select('i.id', 'i.held_on', 'i.scheduled_on', 'f.name')
    .first()
    .forUpdate();
  return row ? { id: Number(row.id), firmName: row.name, scheduledOn: toIsoDate(row.scheduled_on), heldOn: toIsoDate(row.held_on) } : undefined;
}

export async function setInterviewHeld(trx: Knex.Transaction, id: number, heldOn: string, note: string): Promise<void> {
  await trx('interviews').where({ id }).update({ held_on: heldOn, note });
}

interface ProposalRow {
  id: number | string;
  round_id: number | string;
  code: string;
  firm_id: number | string;
  uscc: string;
  name: string;
  kind: ProposalKind;
  reason: string;
  status: ProposalStatus;
  decided_by: string | null;
  decision_reason: string | null;
}

/** Proposals in the order made; `status` keeps those with that status. */
export async function proposals(db: Db, f: FollowUpFilter & { status?: ProposalStatus | undefined } = {}): Promise<ProposalRecord[]> {
  const q = db('proposals as p')
    .join('rounds as rd', 'rd.id', 'p.round_id')
    .join('firms as f', 'f.id', 'p.firm_id')
    .select('p.id', 'p.round_id', 'rd.code', 'p.firm_id', 'f.uscc', 'f.name', 'p.kind', 'p.reason', 'p.status', 'p.decided_by', 'p.decision_reason')
    .orderBy('p.id');
  if (f.status) q.where('p.status', f.status);
  const rows: ProposalRow[] = await filtered(q, 'p', f, null);
  return rows.map((r) => ({
    id: Number(r.id),
    roundId: Number(r.round_id),
    roundCode: r.code,
    firmId: Number(r.firm_id),
    uscc: r.uscc,
    firmName: r.name,
    kind: r.kind,
    reason: r.reason,
    status: r.status,
    decidedBy: r.decided_by,
    decisionReason: r.decision_reason,
  }));
}

/** A proposal with its firm's USCC and status, locked; undefined when there is none with that id. */
export async function lockProposal(trx: Knex.Transaction, id: number): Promise<{ id: number; kind: ProposalKind; status: ProposalStatus; firmId: number; uscc: string; firmStatus: FirmStatus } | undefined> {
  const row: { id: number | string; kind: ProposalKind; status: ProposalStatus; firm_id: number | string; uscc: string; firm_status: FirmStatus } | undefined = await trx('proposals as p')
    .join('firms as f', 'f.id', 'p.firm_id')
    .where('p.id', id)
    .select('p.id', 'p.kind', 'p.status', 'p.firm_id', 'f.uscc', 'f.status as firm_status')
    .first()
    .forUpdate();
  return row ? { id: Number(row.id), kind: row.kind, status: row.status, firmId: Number(row.firm_id), uscc: row.uscc, firmStatus: row.firm_status } : undefined;
}

export async function setProposalDecision(trx: Knex.Transaction, id: number, d: { status: 'approved' | 'rejected'; decidedBy: string; decidedAt: Date; reason: string }): Promise<void> {
  await trx('proposals').where({ id }).update({ status: d.status, decided_by: d.decidedBy, decided_at: d.decidedAt, decision_reason: d.reason });
}

/** What a publication decided, by firm id, stored for the bureau to follow up. */
export interface ConsequenceRows {
  certificates: { firmId: number; number: string }[];
  rectifications: { firmId: number; issuedOn: string; deadline: string; reinspectBy: string }[];
  interviews: { firmId: number; scheduledOn: string; note: string }[];
  proposals: { firmId: number; kind: ProposalKind; reason: string }[];
}

export async function insertConsequences(trx: Knex.Transaction, roundId: number, c: ConsequenceRows): Promise<void> {
  if (c.certificates.length) {
    await trx('certificates').insert(c.certificates.map((x) => ({ round_id: roundId, firm_id: x.firmId, number: x.number })));
  }
  if (c.rectifications.length) {
    await trx('rectifications').insert(c.rectifications.map((x) => ({ round_id: roundId, firm_id: x.firmId, issued_on: x.issuedOn, deadline: x.deadline, reinspect_by: x.reinspectBy })));
  }
  if (c.interviews.length) {
    await trx('interviews').insert(c.interviews.map((x) => ({ round_id: roundId, firm_id: x.firmId, scheduled_on: x.scheduledOn, note: x.note })));
  }
  if (c.proposals.length) {
    await trx('proposals').insert(c.proposals.map((x) => ({ round_id: roundId, firm_id: x.firmId, kind: x.kind, reason: x.reason, status: 'pending' })));
  }
}
